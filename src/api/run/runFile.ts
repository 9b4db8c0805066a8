/**
 * run.json: the note a running network leaves in its folder, naming the chain
 * and each node (data directory, API URL, log), so `lnsim watch --run-dir` and
 * the dashboard can attach to it from another terminal. Rewritten whenever a
 * node restarts (its API port changes).
 */
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { LnsimError } from '../../core/errors.js'

export const RUN_FILE = 'run.json'

export const RunFile = z.object({
  name: z.string(),
  /** the lnsim run process */
  pid: z.number().int(),
  dir: z.string(),
  chainUrl: z.string(),
  chainPid: z.number().int().nullable(),
  nodes: z.array(z.object({ name: z.string(), nodeId: z.string(), dataDir: z.string(), apiUrl: z.string(), logFile: z.string(), pid: z.number().int().nullable() })),
})
export type RunFile = z.infer<typeof RunFile>

export async function writeRunFile(dir: string, run: RunFile): Promise<void> {
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
    throw new LnsimError('RUN_DIR_NOT_FOUND', `cannot read ${path} (${(err as Error).message}); pass the folder \`lnsim run\` printed`)
  }
  const r = RunFile.safeParse(json)
  if (!r.success) throw new LnsimError('RUN_FILE_INVALID', `${path}: ${r.error.issues[0]!.path.join('.')} ${r.error.issues[0]!.message}`)
  return r.data
}
