/**
 * The process's own metrics under the names Prometheus's client libraries use (`process_…`), so the dashboards
 * made for any exporter read an lnsim process too.
 */
import type { MetricFamily } from './prometheusText.js'

export function processFamilies(who: string): MetricFamily[] {
  const usage = process.cpuUsage()
  return [
    {
      name: 'process_resident_memory_bytes',
      help: `Resident memory of ${who}`,
      type: 'gauge',
      samples: [{ labels: {}, value: process.memoryUsage.rss() }],
    },
    {
      name: 'process_heap_bytes',
      help: `JavaScript heap in use by ${who}`,
      type: 'gauge',
      samples: [{ labels: {}, value: process.memoryUsage().heapUsed }],
    },
    {
      name: 'process_cpu_seconds_total',
      help: `CPU time of ${who} (user and system)`,
      type: 'counter',
      samples: [{ labels: {}, value: (usage.user + usage.system) / 1e6 }],
    },
    {
      name: 'process_start_time_seconds',
      help: `When ${who} started (seconds since the epoch)`,
      type: 'gauge',
      samples: [{ labels: {}, value: Math.round((Date.now() - process.uptime() * 1000) / 1000) }],
    },
  ]
}
