/** A strict reader of the Prometheus text exposition format (0.0.4), for tests that scrape lnsim. */
export interface Series {
  name: string
  labels: Record<string, string>
  value: number
}

/** The text exposition format, strictly: every line a comment of a known kind or a well-formed sample. */
export function parsePrometheus(text: string): { types: Map<string, string>; series: Series[] } {
  const types = new Map<string, string>()
  const series: Series[] = []
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy
  for (const line of text.split('\n')) {
    if (line === '') continue
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      types.set(type[1]!, type[2]!)
      continue
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue
    const m = sample.exec(line)
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`)
    const labels: Record<string, string> = {}
    if (m[2]) {
      label.lastIndex = 0
      let consumed = 0
      for (let l = label.exec(m[2]); l; l = label.exec(m[2])) {
        labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
        consumed = label.lastIndex
      }
      if (consumed !== m[2].length) throw new Error(`bad labels in ${line}`)
    }
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '')
    if (!types.has(m[1]!) && !types.has(family)) throw new Error(`sample before its # TYPE: ${line}`)
    series.push({ name: m[1]!, labels, value: Number(m[3]!.replace('+Inf', 'Infinity')) })
  }
  return { types, series }
}
