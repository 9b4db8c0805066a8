/**
 * A node's data directory as a local user meets it, with real processes: one
 * node per directory (a second start is refused, naming the one running; the
 * lock of a node that was killed is taken over), its secrets readable only by
 * its owner whatever mode they had, and a name that cannot lead elsewhere.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { NodeClient } from '../../../src/api/node/client.js'
import { CLI, cleanupProcesses, runCli, spawnReady, stop, tempDir, type Child } from '../../helpers/processes.js'

afterEach(cleanupProcesses)

async function startChain(): Promise<string> {
  const chain = await spawnReady(['chain', 'start', '--data-dir', await tempDir(), '--port', '0'])
  return String(chain.ready.url)
}

async function startNode(
  dataDir: string,
  chainUrl: string,
  name = 'alice',
): Promise<{ child: Child; client: NodeClient }> {
  const child = await spawnReady(['node', 'start', '--name', name, '--data-dir', dataDir, '--chain', chainUrl])
  const token = (await readFile(join(dataDir, 'api.token'), 'utf8')).trim()
  return { child, client: new NodeClient({ url: String(child.ready.apiUrl), token }) }
}

const modeOf = (path: string): number => statSync(path).mode & 0o777

describe('a node data directory', () => {
  it("refuses a second node on a directory in use, naming the one running; takes a killed node's lock", async () => {
    const chainUrl = await startChain()
    const dataDir = await tempDir()
    const first = await startNode(dataDir, chainUrl)
    const state = readFileSync(join(dataDir, 'state.log'))

    const second = await runCli(
      ['node', 'start', '--name', 'alice', '--data-dir', dataDir, '--chain', chainUrl],
      10_000,
    )
    expect(second.code).not.toBe(0)
    const pid = first.child.proc.pid!
    expect(second.stderr).toContain(`${dataDir} is in use by a node with pid ${pid}`)
    expect(second.stderr).toContain('node start --name alice')
    expect(second.stderr).toContain(`stop it first (kill ${pid}`)
    // the refused start touched nothing, and the first node goes on
    expect(readFileSync(join(dataDir, 'state.log'))).toEqual(state)
    const info = await first.client.info()

    // killed, it leaves its lock behind; the next start sees its process is gone and takes the directory
    first.child.proc.kill('SIGKILL')
    await first.child.exited
    expect(existsSync(join(dataDir, 'node.lock'))).toBe(true)
    const again = await startNode(dataDir, chainUrl)
    expect((await again.client.info()).nodeId).toBe(info.nodeId)
    // and a clean stop lets go of it
    await stop(again.child)
    expect(existsSync(join(dataDir, 'node.lock'))).toBe(false)
  })

  it('makes node.key, api.token and state.log readable by their owner only at start, whatever their mode', async () => {
    const chainUrl = await startChain()
    const dataDir = await tempDir()
    await chmod(dataDir, 0o755)
    const key = join(dataDir, 'node.key')
    const token = join(dataDir, 'api.token')
    const state = join(dataDir, 'state.log')
    await writeFile(key, `${'11'.repeat(32)}\n`)
    await writeFile(token, 'an old token\n')
    await writeFile(state, '')
    for (const f of [key, token, state]) await chmod(f, 0o644)

    const node = await startNode(dataDir, chainUrl)
    expect(node.child.ready.nodeId).toBe('034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa')
    expect({
      key: modeOf(key),
      token: modeOf(token),
      state: modeOf(state),
      url: modeOf(join(dataDir, 'api.url')),
    }).toEqual({ key: 0o600, token: 0o600, state: 0o600, url: 0o600 })
    expect(readFileSync(token, 'utf8')).not.toContain('an old token')
    expect((await node.client.info()).alias).toBe('alice')
  })

  it('refuses a name that is not one plain path component, before it touches anything', async () => {
    const cwd = await tempDir()
    for (const name of ['..', '.', '../x', 'a/b', '.lnsim', 'chain']) {
      const r = spawnSync(process.execPath, [CLI, 'node', 'start', '--name', name, '--chain', 'http://127.0.0.1:1'], {
        cwd,
        encoding: 'utf8',
        timeout: 10_000,
      })
      expect(r.status, name).toBe(2)
      expect(r.stderr, name).toContain('--name')
    }
    expect(existsSync(join(cwd, '.lnsim'))).toBe(false)
    expect(existsSync(join(cwd, 'node.key'))).toBe(false)
  })
})
