/**
 * The Prometheus text exposition format (version 0.0.4), which Prometheus, Grafana Agent, VictoriaMetrics and
 * OpenMetrics parsers all read: a `# HELP` and a `# TYPE` line per family, then one `name{labels} value` line per
 * series. Label values escape backslash, double quote and line feed; help text escapes backslash and line feed.
 */

/** Where every lnsim process serves its metrics, as Prometheus expects by default. */
export const METRICS_PATH = '/metrics'

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export type MetricType = 'counter' | 'gauge' | 'histogram'

export interface Sample {
  /** a suffix of the family's name (`_bucket`, `_sum`, `_count` for a histogram), or '' */
  suffix?: string
  labels: Record<string, string>
  value: number | bigint
}

export interface MetricFamily {
  name: string
  help: string
  type: MetricType
  samples: Sample[]
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/

function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function number(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString()
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

export function renderPrometheus(families: readonly MetricFamily[]): string {
  let out = ''
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`not a Prometheus metric name: ${f.name}`)
    out += `# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${f.name} ${f.type}\n`
    for (const s of f.samples) {
      const labels = Object.entries(s.labels)
      for (const [k] of labels) if (!LABEL.test(k)) throw new Error(`not a Prometheus label name: ${k}`)
      const text = labels.map(([k, v]) => `${k}="${labelValue(v)}"`).join(',')
      out += `${f.name}${s.suffix ?? ''}${text ? `{${text}}` : ''} ${number(s.value)}\n`
    }
  }
  return out
}
