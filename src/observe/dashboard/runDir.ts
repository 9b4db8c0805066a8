/**
 * Finds a running network from the directory `lnsim run --keep` leaves: its
 * run.json names each node (data directory and/or API URL with token) and the
 * chain's URL. Read leniently — only the fields the dashboard needs — so the
 * runner can add others freely.
 */
import { readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { z } from 'zod'
import { LnsimError } from '../../core/errors.js'
import { NodeClient } from '../../api/node/client.js'
import { locateNode } from '../../api/node/locate.js'

export const RUN_FILE = 'run.json'

export class RunDirError extends LnsimError {
  constructor(code: string, message: string) {
    super(code, message)
    this.name = 'RunDirError'
  }
}

const RunNode = z.object({ name: z.string().optional(), dataDir: z.string().optional(), apiUrl: z.string().optional(), token: z.string().optional() }).loose()
const RunFile = z
  .object({
    chainUrl: z.string().optional(),
    chain: z.object({ url: z.string().optional(), apiUrl: z.string().optional() }).loose().optional(),
    nodes: z.union([z.array(RunNode), z.record(z.string(), RunNode).transform((r) => Object.entries(r).map(([name, n]) => ({ name, ...n })))]),
  })
  .loose()

export interface RunTargets {
  nodes: NodeClient[]
  chainUrl: string | null
}

export async function readRunDir(dir: string): Promise<RunTargets> {
  const path = join(dir, RUN_FILE)
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new RunDirError('RUN_DIR_NOT_FOUND', `cannot read ${path} (${(err as Error).message}); start a network with \`lnsim run FILE --keep\` and pass the directory it prints`)
  }
  const r = RunFile.safeParse(json)
  if (!r.success) throw new RunDirError('RUN_FILE_INVALID', `${path}: ${r.error.issues[0]!.path.join('.') || 'file'} ${r.error.issues[0]!.message}`)
  const nodes = await Promise.all(
    r.data.nodes.map(async (n, i) => {
      if (n.apiUrl && n.token) return new NodeClient({ url: n.apiUrl, token: n.token })
      if (n.dataDir) return locateNode(isAbsolute(n.dataDir) ? n.dataDir : join(dir, n.dataDir))
      throw new RunDirError('RUN_FILE_INVALID', `${path}: node ${n.name ?? i} has neither a dataDir nor an apiUrl with its token`)
    }),
  )
  return { nodes, chainUrl: r.data.chainUrl ?? r.data.chain?.url ?? r.data.chain?.apiUrl ?? null }
}
