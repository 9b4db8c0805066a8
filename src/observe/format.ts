/** Amounts and durations for people: msat shown as sat with up to three decimals, never through a float. */

export function formatSat(sat: bigint): string {
  return `${sat.toLocaleString('en-US')} sat`
}

/** 50_000_000n → "50,000 sat"; 1_050n → "1.05 sat". */
export function formatMsatAsSat(msat: bigint): string {
  const sign = msat < 0n ? '-' : ''
  const abs = msat < 0n ? -msat : msat
  const whole = (abs / 1000n).toLocaleString('en-US')
  const frac = (abs % 1000n).toString().padStart(3, '0').replace(/0+$/, '')
  return `${sign}${whole}${frac ? `.${frac}` : ''} sat`
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

/** Columns padded to the widest cell; `right` lists the columns aligned right (numbers). */
export function table(rows: string[][], right: number[] = []): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows.map((row) =>
    row
      .map((cell, i) =>
        right.includes(i) ? cell.padStart(widths[i]!) : i === row.length - 1 ? cell : cell.padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd(),
  )
}
