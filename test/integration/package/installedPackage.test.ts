/**
 * lnsim as a user gets it: `npm pack`, the tarball installed into an empty project, and there a shipped scenario
 * through `npx lnsim`, a scenario written in TypeScript (esbuild at run time), a type check of code importing
 * `lnsim`, and a vitest file that launches a network through the package.
 *
 * The install takes the tarball from disk and its dependencies from npm's cache (`--prefer-offline`): after
 * `npm ci` (as .ci/run does) every dependency is there, so no registry is asked; a cache without them would be.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..', '..')
const bin = (name: string): string => join(root, 'node_modules', '.bin', name)

let dir: string
let project: string

interface Ran {
  code: number
  stdout: string
  stderr: string
}

async function sh(file: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<Ran> {
  try {
    const r = await run(file, args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message }
  }
}

const SCRIPT_SCENARIO = `import { defineScenario } from 'lnsim'
export default defineScenario({
  name: 'one payment',
  network: {
    nodes: [{ name: 'alice', fundsSat: 2_000_000 }, { name: 'bob', fundsSat: 100_000 }],
    channels: [{ from: 'alice', to: 'bob', capacitySat: 1_000_000 }],
  },
  async run(net, t) {
    const p = await net.pay('alice', 'bob', 10_000_000n)
    t.expect('the payment succeeds', p.status === 'succeeded', p.message ?? 'ok')
  },
})
`

const EMBEDDING_TEST = `import { expect, test } from 'vitest'
import { launch, type PaymentOutcome } from 'lnsim'

test('a payment through the installed package', async () => {
  const net = await launch({
    nodes: [{ name: 'alice', fundsSat: 2_000_000 }, { name: 'bob', fundsSat: 100_000 }],
    channels: [{ from: 'alice', to: 'bob', capacitySat: 1_000_000 }],
  })
  try {
    const p: PaymentOutcome = await net.pay('alice', 'bob', 5_000_000n)
    expect(p.status).toBe('succeeded')
    // @ts-expect-error amounts are bigint msat: the declarations say so
    if (false) await net.pay('alice', 'bob', 5)
  } finally {
    await net.stop()
  }
}, 60_000)
`

describe('the npm package', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lnsim-package-'))
    const packed = await sh('npm', ['pack', '--pack-destination', dir], root, 120_000)
    expect(packed.code, packed.stderr).toBe(0)
    const tarball = join(
      dir,
      (await readdir(dir)).find((f) => f.endsWith('.tgz'))!,
    )
    project = join(dir, 'project')
    await mkdir(project)
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'user-project', private: true, type: 'module' }),
    )
    const installed = await sh(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball],
      project,
      120_000,
    )
    expect(installed.code, installed.stderr).toBe(0)
  }, 240_000)

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('holds what it needs and none of the tests or benchmark results', async () => {
    const pkg = join(project, 'node_modules', 'lnsim')
    const top = await readdir(pkg)
    expect(top).not.toContain('test')
    expect(top).not.toContain('bench')
    expect(top).toEqual(expect.arrayContaining(['bin', 'dist', 'scenarios', 'package.json']))
    expect(await readdir(join(pkg, 'dist', 'types', 'scenario'))).toContain('index.d.ts')
    const manifest = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as Record<string, unknown>
    expect(manifest.private).toBeUndefined()
  })

  it('runs a shipped scenario with npx lnsim', async () => {
    const r = await sh('npx', ['lnsim', 'run', 'node_modules/lnsim/scenarios/two-party.yaml', '--json'], project)
    expect(r.code, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as { status: string }).status).toBe('passed')
  }, 60_000)

  it('runs a scenario written in TypeScript that imports lnsim', async () => {
    await writeFile(join(project, 'pay.ts'), SCRIPT_SCENARIO)
    const r = await sh('npx', ['lnsim', 'run', 'pay.ts'], project)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toContain('the payment succeeds')
  }, 60_000)

  it('gives code importing lnsim its types, and a vitest file there launches a network', async () => {
    await writeFile(join(project, 'embed.test.ts'), EMBEDDING_TEST)
    await writeFile(join(project, 'vitest.config.mjs'), 'export default {}\n')
    // the user's own test runner: this repository's vitest stands in for the one they would install
    await symlink(join(root, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'))
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        include: ['*.ts'],
      }),
    )
    const typed = await sh(bin('tsc'), ['-p', 'tsconfig.json'], project)
    expect(typed.code, typed.stdout + typed.stderr).toBe(0)
    const tested = await sh(bin('vitest'), ['run', '--root', project, 'embed.test.ts'], project, 90_000)
    expect(tested.code, tested.stdout + tested.stderr).toBe(0)
    expect(tested.stdout).toMatch(/1 passed/)
  }, 120_000)
})
