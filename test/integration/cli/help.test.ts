/**
 * The CLI as people who know lncli, lightning-cli and bitcoin-cli expect it, without a network: --version, help CMD,
 * global options before the command, --help and --json on every command, shell completion, the default chain port,
 * and the curve backend named and warned about.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir, cleanupProcesses } from '../../helpers/processes.js'
import { json, killAll, lnsim } from './lnsim.js'

const ROOT = resolve(__dirname, '../../..')
const WITHOUT_NATIVE = ['--require', resolve(__dirname, 'fixtures/withoutNativeSecp256k1.cjs')]

afterAll(async () => {
  killAll()
  await cleanupProcesses()
})

/** The commands `lnsim --help` lists, as words. */
async function listedCommands(): Promise<string[][]> {
  const r = await lnsim(['--help'])
  return r.stdout
    .split('\n')
    .filter((l) => /^ {2}[a-z]/.test(l))
    .map((l) =>
      l
        .trim()
        .split(/\s{2,}/)[0]!
        .split(' '),
    )
}

describe('lnsim as lncli and lightning-cli users expect it', () => {
  it('--version and version say the version and the curve backend; --json says it as JSON', async () => {
    const flag = await lnsim(['--version'])
    expect(flag.code).toBe(0)
    expect(flag.stdout).toMatch(/^lnsim \S+ \(node v[0-9.]+; secp256k1: libsecp256k1, native\)\n$/)
    expect((await lnsim(['version'])).stdout).toBe(flag.stdout)
    const v = json<{ version: string; curve: { backend: string; native: boolean } }>(
      await lnsim(['--version', '--json']),
    )
    expect(v.curve).toEqual({ backend: 'libsecp256k1', native: true })
  })

  it('without the native secp256k1 module, version names the JavaScript backend', async () => {
    const v = json<{ curve: { backend: string; native: boolean } }>(
      await lnsim(['version', '--json'], { nodeArgs: WITHOUT_NATIVE }),
    )
    expect(v.curve).toEqual({ backend: 'noble', native: false })
  })

  it('help CMD is CMD --help; help GROUP lists the group; help of nothing known is an error', async () => {
    const pay = await lnsim(['pay', '--help'])
    expect(pay.stdout).toContain('Usage: lnsim pay INVOICE')
    expect((await lnsim(['help', 'pay'])).stdout).toBe(pay.stdout)
    expect((await lnsim(['help', 'invoice', 'decode'])).stdout).toContain('Usage: lnsim invoice decode INVOICE')
    expect((await lnsim(['help', 'chain'])).stdout).toContain('Commands under "chain"')
    const none = await lnsim(['help', 'nosuch'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('no command "nosuch"')
  })

  it('takes global options before the command, as lncli --rpcserver X getinfo does', async () => {
    const before = await lnsim(['--json', 'version'])
    expect(json(before)).toMatchObject({ curve: { native: true } })
    // an option's value is not mistaken for a command word
    const r = await lnsim(['--node', '/nonexistent/alice', 'info'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('no running node found in /nonexistent/alice')
    const chain = await lnsim(['--chain', 'http://127.0.0.1:1', 'chain', 'info'])
    expect(chain.stderr).toContain('lnsim chain info')
  })

  it('every command has --help, which lists --json', { timeout: 60_000 }, async () => {
    const commands = await listedCommands()
    for (const words of ['stop', 'invoices', 'lookupinvoice', 'setchannelpolicy', 'sendcoins', 'listunspent'])
      expect(commands.map((c) => c.join(' '))).toContain(words)
    expect(commands.length).toBeGreaterThan(25)
    for (const words of commands) {
      const r = await lnsim([...words, '--help'])
      expect(r.code, words.join(' ')).toBe(0)
      expect(r.stdout, words.join(' ')).toContain(`Usage: lnsim ${words.join(' ')}`)
      expect(r.stdout, words.join(' ')).toContain('--json')
    }
  })

  it('run --help cites only scenarios and activity files that exist', async () => {
    const help = (await lnsim(['run', '--help'])).stdout
    const cited = [...help.matchAll(/scenarios\/[A-Za-z0-9_./-]+\.(?:yaml|ts|json)/g)].map((m) => m[0])
    expect(cited.length).toBeGreaterThan(5)
    for (const file of cited) expect(existsSync(join(ROOT, file)), file).toBe(true)
  })

  it('the chain listens by default on 18800, a port no common daemon takes (bitcoind regtest has 18443)', async () => {
    const help = (await lnsim(['chain', 'start', '--help'])).stdout
    expect(help).toContain('(default: 18800)')
    expect(help).not.toContain('18443')
    expect((await lnsim(['node', 'start', '--help'])).stdout).toContain('http://127.0.0.1:18800')
  })

  it('prints bash completion that completes commands, subcommands and options wherever options stand', async () => {
    const dir = await tempDir('lnsim-completion-')
    const script = (await lnsim(['completion', 'bash'])).stdout
    const complete = async (...words: string[]): Promise<string[]> => {
      const program = [
        `source ${JSON.stringify(join(dir, 'lnsim.bash'))}`,
        `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})`,
        `COMP_CWORD=${words.length - 1}`,
        '_lnsim',
        'printf "%s\\n" "${COMPREPLY[@]}"',
      ].join('\n')
      const { stdout } = await promisify(execFile)('bash', ['-c', program], { cwd: dir })
      return stdout.split('\n').filter(Boolean)
    }
    await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'lnsim.bash'), script))
    expect(await complete('lnsim', 'sendc')).toEqual(['sendcoins'])
    expect(await complete('lnsim', 'chain', 'm')).toEqual(['mine'])
    expect(await complete('lnsim', '--node', 'x', 'chain', 'f')).toEqual(['feerate', 'fund'])
    expect(await complete('lnsim', '--node', 'x', 'setchannelpolicy', 'abc', '--htlc')).toEqual([
      '--htlc-min',
      '--htlc-max',
    ])
    expect(await complete('lnsim', 'completion', '')).toEqual(['bash', 'zsh'])
    expect(await complete('lnsim', 'run', '--act')).toEqual(['--activity'])
  })

  it('prints a zsh completion script that registers itself with compdef', async () => {
    const r = await lnsim(['completion', 'zsh'])
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith('#compdef lnsim\n')).toBe(true)
    expect(r.stdout).toContain('compdef _lnsim lnsim')
    expect(r.stdout).toContain('"chain") children="start info mine feerate fund tx block"')
    const bad = await lnsim(['completion', 'fish'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('SHELL must be bash or zsh')
  })

  it('refuses an amount it cannot read, before reaching any node or chain', async () => {
    const r = await lnsim(['chain', 'fund', 'sim1x', '1.5sat'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('1.5sat is not a whole number of satoshi')
    const unit = await lnsim(['invoice', '10eur'])
    expect(unit.code).toBe(2)
    expect(unit.stderr).toContain('unknown unit "eur"')
  })
})
