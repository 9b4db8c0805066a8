/**
 * The chain daemon's Prometheus metrics, on its HTTP server at GET /metrics (the chain API has no token, and
 * neither do its metrics): the tip's height, the mempool, blocks mined and transactions accepted since the
 * process started, requests served, and the process's memory and CPU.
 */
import type { ChainState } from '../chain/chainState.js'
import type { MetricFamily } from '../api/http/prometheusText.js'
import { processFamilies } from '../api/http/processMetrics.js'

export class ChainMetrics {
  private blocks = 0
  private transactions = 0
  private requests = 0
  private refused = 0

  constructor(private readonly state: ChainState) {
    state.onBlock(() => void this.blocks++)
    state.onTransaction(() => void this.transactions++)
  }

  onRequest(): void {
    this.requests++
  }

  get requestsServed(): number {
    return this.requests
  }

  onRefused(): void {
    this.refused++
  }

  get requestsRefused(): number {
    return this.refused
  }

  families(): MetricFamily[] {
    const one = (value: number) => [{ labels: {}, value }]
    return [
      { name: 'lnsim_chain_height', help: "Height of the chain's tip", type: 'gauge', samples: one(this.state.height) },
      {
        name: 'lnsim_chain_mempool_transactions',
        help: 'Transactions waiting in the mempool',
        type: 'gauge',
        samples: one(this.state.mempool.size),
      },
      {
        name: 'lnsim_chain_blocks_mined_total',
        help: 'Blocks this chain daemon mined since it started',
        type: 'counter',
        samples: one(this.blocks),
      },
      {
        name: 'lnsim_chain_transactions_accepted_total',
        help: 'Transactions accepted into the mempool since the daemon started',
        type: 'counter',
        samples: one(this.transactions),
      },
      {
        name: 'lnsim_chain_requests_total',
        help: 'HTTP requests the chain daemon served (scrapes included)',
        type: 'counter',
        samples: one(this.requests),
      },
      {
        name: 'lnsim_chain_requests_refused_total',
        help: 'Requests answered 503 OVERLOADED at the admission limit (counted in lnsim_chain_requests_total too)',
        type: 'counter',
        samples: one(this.refused),
      },
      ...processFamilies('the chain daemon process'),
    ]
  }
}
