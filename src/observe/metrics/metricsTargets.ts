/**
 * `lnsim run --metrics`: where each process of the run serves its own metrics, said once per process (and again
 * when a restarted node comes back on another port), so a Prometheus can be pointed at them: the chain without a
 * token, each node with its control API's token as the bearer token (the file holding it is named).
 */
import { join } from 'node:path'
import { API_TOKEN_FILE } from '../../api/node/locate.js'
import { METRICS_PATH } from '../../api/http/prometheusText.js'

export interface MetricsTarget {
  event: 'metrics'
  target: 'chain' | 'node'
  name: string
  url: string
  /** the file holding the bearer token a node's /metrics asks for; null for the chain, which asks for none */
  tokenFile: string | null
}

export class MetricsTargets {
  private readonly said = new Map<string, string>()
  readonly targets: MetricsTarget[] = []

  constructor(
    private readonly json: boolean,
    private readonly screen: NodeJS.WritableStream,
  ) {}

  chain(url: string): void {
    this.say({ event: 'metrics', target: 'chain', name: 'chain', url: url + METRICS_PATH, tokenFile: null })
  }

  nodes(list: readonly { name: string; apiUrl?: string; dataDir?: string }[]): void {
    for (const n of list)
      if (n.apiUrl)
        this.say({
          event: 'metrics',
          target: 'node',
          name: n.name,
          url: n.apiUrl + METRICS_PATH,
          tokenFile: n.dataDir ? join(n.dataDir, API_TOKEN_FILE) : null,
        })
  }

  private say(t: MetricsTarget): void {
    if (this.said.get(`${t.target} ${t.name}`) === t.url) return
    this.said.set(`${t.target} ${t.name}`, t.url)
    this.targets.push(t)
    if (this.json) process.stdout.write(JSON.stringify(t) + '\n')
    else
      this.screen.write(
        `metrics: ${t.target === 'chain' ? 'chain' : `node ${t.name}`} ${t.url}` +
          `${t.tokenFile ? ` (bearer token in ${t.tokenFile})` : ''}\n`,
      )
  }
}
