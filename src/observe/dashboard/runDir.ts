/**
 * Finds a running network from the folder `lnsim run --keep` leaves: its
 * run.json (api/run) names each node and the chain.
 */
import { NodeClient } from '../../api/node/client.js'
import { locateNode } from '../../api/node/locate.js'
import { readRunFile, runChainUrl, runNodeTargets } from '../../api/run/runFile.js'

export interface RunTargets {
  nodes: NodeClient[]
  chainUrl: string | null
}

export async function readRunDir(dir: string): Promise<RunTargets> {
  const run = await readRunFile(dir)
  const nodes = await Promise.all(
    runNodeTargets(run, dir).map((t) =>
      'dataDir' in t ? locateNode(t.dataDir) : new NodeClient({ url: t.url, token: t.token }),
    ),
  )
  return { nodes, chainUrl: runChainUrl(run) }
}
