/** `lnsim completion bash|zsh`: prints the shell's completion script for every lnsim command. */
import { CliError, type CommandSpec } from '../command.js'
import { SHELLS, completionScript, type Shell } from '../completion.js'

export function completionCommand(commands: () => readonly CommandSpec[]): CommandSpec {
  return {
    path: ['completion'],
    summary: 'Print the shell completion script (bash or zsh)',
    description: 'Completes commands, their options and the choices of their arguments. With --json: {"script": …}.',
    positionals: [{ name: 'SHELL', description: SHELLS.join(' or '), choices: [...SHELLS] }],
    examples: ['source <(lnsim completion bash)   # in ~/.bashrc', 'source <(lnsim completion zsh)    # in ~/.zshrc'],
    async run({ args, out }) {
      const shell = args[0] as Shell
      if (!SHELLS.includes(shell))
        throw new CliError(`SHELL must be ${SHELLS.join(' or ')}, got ${JSON.stringify(args[0])}`, {
          exitCode: 2,
          code: 'USAGE',
        })
      const script = completionScript(shell, commands())
      out.result({ shell, script }, script.trimEnd())
    },
  }
}
