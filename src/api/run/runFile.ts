/**
 * run.json: the note a running network leaves in its folder, naming the chain
 * and each node, so `lnsim watch --run-dir` and the dashboard can attach to it
 * from another terminal. `lnsim run` writes the whole form and rewrites it
 * whenever a node restarts (its API port changes); readers accept what a person
 * or another tool may write by hand: nodes as a list or by name, each found by
 * its data directory or by its API URL and token, the chain as `chainUrl` or
 * `chain.url`.
 */
import { readFile, rename, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { z } from 'zod'
import { LnsimError } from '../../core/errors.js'

export const RUN_FILE = 'run.json'

const RunNode = z
  .object({
    name: z.string().optional(),
    nodeId: z.string().optional(),
    dataDir: z.string().optional(),
    apiUrl: z.string().optional(),
    token: z.string().optional(),
    logFile: z.string().optional(),
    pid: z.number().int().nullable().optional(),
  })
  .loose()

export const RunFile = z
  .object({
    name: z.string().optional(),
    /** the lnsim run process */
    pid: z.number().int().optional(),
    dir: z.string().optional(),
    chainUrl: z.string().optional(),
    chain: z.object({ url: z.string().optional(), apiUrl: z.string().optional() }).loose().optional(),
    chainPid: z.number().int().nullable().optional(),
    nodes: z.union([
      z.array(RunNode),
      z.record(z.string(), RunNode).transform((r) => Object.entries(r).map(([name, n]) => ({ name, ...n }))),
    ]),
  })
  .loose()
export type RunFile = z.output<typeof RunFile>

/** What `lnsim run` writes. */
export interface WrittenRunFile {
  name: string
  pid: number
  dir: string
  chainUrl: string
  chainPid: number | null
  nodes: Array<{ name: string; nodeId: string; dataDir: string; apiUrl: string; logFile: string; pid: number | null }>
}

export async function writeRunFile(dir: string, run: WrittenRunFile): Promise<void> {
  const path = join(dir, RUN_FILE)
  // write then rename, so a reader never sees half a file
  await writeFile(`${path}.tmp`, JSON.stringify(run, null, 2) + '\n')
  await rename(`${path}.tmp`, path)
}

export async function readRunFile(dir: string): Promise<RunFile> {
  const path = join(dir, RUN_FILE)
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new LnsimError(
      'RUN_DIR_NOT_FOUND',
      `cannot read ${path} (${(err as Error).message}); start a network with \`lnsim run FILE --keep\` and pass the ` +
        'folder it prints',
    )
  }
  const r = RunFile.safeParse(json)
  if (!r.success)
    throw new LnsimError(
      'RUN_FILE_INVALID',
      `${path}: ${r.error.issues[0]!.path.join('.') || 'file'} ${r.error.issues[0]!.message}`,
    )
  return r.data
}

/** The chain's URL, whichever way the file names it. */
export function runChainUrl(run: RunFile): string | null {
  return run.chainUrl ?? run.chain?.url ?? run.chain?.apiUrl ?? null
}

/** Where to find each node's control API: its data directory (absolute), or its URL and token. */
export function runNodeTargets(
  run: RunFile,
  dir: string,
): Array<{ name: string; dataDir: string } | { name: string; url: string; token: string }> {
  return run.nodes.map((n, i) => {
    const name = n.name ?? `node ${i}`
    if (n.apiUrl && n.token) return { name, url: n.apiUrl, token: n.token }
    if (n.dataDir) return { name, dataDir: isAbsolute(n.dataDir) ? n.dataDir : join(dir, n.dataDir) }
    throw new LnsimError(
      'RUN_FILE_INVALID',
      `${join(dir, RUN_FILE)}: ${name} has neither a dataDir nor an apiUrl with its token`,
    )
  })
}
