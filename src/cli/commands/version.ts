import type { CommandSpec } from '../command.js'

declare const LNSIM_VERSION: string | undefined

export const versionCommand: CommandSpec = {
  path: ['version'],
  summary: 'Print the lnsim version',
  examples: ['lnsim version', 'lnsim version --json'],
  async run({ out }) {
    const version = typeof LNSIM_VERSION === 'string' ? LNSIM_VERSION : 'dev'
    out.result({ version, node: process.version }, `lnsim ${version} (node ${process.version})`)
  },
}
