// How amounts, ids and times read on the page. Amounts arrive as decimal strings
// (msat or sat) and stay BigInt: no balance ever becomes a float here.

/** "1,234.567 sat" for 1234567 msat; whole sats print without decimals. */
export function formatMsat(msat) {
  const v = BigInt(msat)
  const sign = v < 0n ? '-' : ''
  const a = v < 0n ? -v : v
  const sat = a / 1000n
  const rest = a % 1000n
  return `${sign}${sat.toLocaleString('en-US')}${rest ? '.' + rest.toString().padStart(3, '0') : ''} sat`
}

export function formatSat(sat) {
  return `${BigInt(sat).toLocaleString('en-US')} sat`
}

/** A short form for graph labels: 1.5M, 250k, 900. */
export function compactMsat(msat) {
  const sat = Number(BigInt(msat) / 1000n)
  if (sat >= 1e6) return `${(sat / 1e6).toFixed(sat >= 1e7 ? 0 : 2)}M`
  if (sat >= 1e3) return `${(sat / 1e3).toFixed(sat >= 1e4 ? 0 : 1)}k`
  return String(sat)
}

export function shortId(hex, n = 8) {
  return hex ? `${hex.slice(0, n)}…` : '?'
}

export function formatMs(ms) {
  if (ms === null || ms === undefined) return '–'
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}

export function clockTime(ms) {
  if (!ms) return '–'
  return new Date(ms).toISOString().slice(11, 23)
}

export function escapeHtml(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  )
}
