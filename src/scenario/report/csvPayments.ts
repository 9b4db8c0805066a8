/**
 * One CSV row per payment a run made (pay steps, traffic, scripts), for
 * analysis in a spreadsheet, pandas or R. The columns are a superset of what
 * SimLN's results file (source, destination, amount_msat, hash,
 * dispatch_time, htlc_count, payment_outcome) and CLoTH's payments_output.csv
 * (id, sender_id, receiver_id, amount, start_time, end_time, is_success,
 * attempts, route, total_fee) carry; docs/scenarios.md maps them.
 *
 * Quoting follows RFC 4180: a field holding a comma, a double quote or a line
 * break is put in double quotes, with its double quotes doubled. Rows are in
 * the order the payments were dispatched.
 */
import { partsOf, type PaymentOutcome } from '../network/observer.js'

export const PAYMENT_CSV_COLUMNS = [
  'id',
  'step',
  'kind',
  'source',
  'destination',
  'source_node_id',
  'destination_node_id',
  'amount_msat',
  'payment_hash',
  'dispatch_time',
  'dispatch_time_ms',
  'end_time_ms',
  'latency_ms',
  'outcome',
  'failure_code',
  'failure_message',
  'attempts',
  'hops',
  'route',
  'route_channels',
  'total_fee_msat',
  'parts',
  'part_routes',
  'part_amounts_msat',
  'keysend',
  'route_short_channel_ids',
  'run_id',
] as const

export type PaymentCsvColumn = (typeof PAYMENT_CSV_COLUMNS)[number]

/** Joins the node names of a route, sender first. */
export const ROUTE_SEPARATOR = '>'
/** Joins the routes (and amounts) of a payment's parts. */
export const PART_SEPARATOR = ';'

/** A field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string | number | bigint | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvLine(fields: readonly (string | number | bigint | null | undefined)[]): string {
  return fields.map(csvField).join(',') + '\n'
}

/** The payments in dispatch order (`seq`; payments without one keep their place after those with one). */
function inDispatchOrder(payments: readonly PaymentOutcome[]): PaymentOutcome[] {
  return payments
    .map((p, i) => ({ p, key: p.seq ?? Number.MAX_SAFE_INTEGER, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((x) => x.p)
}

/** What joins the CSV to the run's other outputs: its id, and the short channel id of each channel by name. */
export interface CsvJoin {
  runId: string
  shortChannelIds: ReadonlyMap<string, string | null>
}

export function paymentCsvRow(
  p: PaymentOutcome,
  id: number,
  nodeIds: ReadonlyMap<string, string>,
  join?: CsvJoin,
): Record<PaymentCsvColumn, string | number | bigint | null> {
  return {
    id: p.seq ?? id,
    step: p.id,
    kind: p.source,
    source: p.from,
    destination: p.to,
    source_node_id: nodeIds.get(p.from) ?? null,
    destination_node_id: nodeIds.get(p.to) ?? null,
    amount_msat: p.amountMsat,
    payment_hash: p.paymentHash,
    dispatch_time: new Date(p.startedAt).toISOString(),
    dispatch_time_ms: p.startedAt,
    end_time_ms: p.finishedAt ?? p.startedAt + p.latencyMs,
    latency_ms: p.latencyMs,
    outcome: p.status,
    failure_code: p.code,
    failure_message: p.message,
    attempts: p.attempts,
    hops: p.route.length > 0 ? p.route.length - 1 : 0,
    route: p.route.join(ROUTE_SEPARATOR),
    // channel names may hold `>`, never a space
    route_channels: (p.routeChannels ?? []).join(' '),
    total_fee_msat: p.feeMsat,
    parts: partsOf(p),
    part_routes: (p.parts ?? []).map((part) => part.route.join(ROUTE_SEPARATOR)).join(PART_SEPARATOR),
    part_amounts_msat: (p.parts ?? []).map((part) => part.amountMsat).join(PART_SEPARATOR),
    keysend: p.keysend === true ? 'true' : 'false',
    route_short_channel_ids: (p.routeChannels ?? []).map((c) => join?.shortChannelIds.get(c) ?? '').join(' '),
    run_id: join?.runId ?? null,
  }
}

/** The whole file: a header and one row per payment. `nodeIds` maps node names to node ids. */
export function renderPaymentsCsv(
  payments: readonly PaymentOutcome[],
  nodeIds: ReadonlyMap<string, string>,
  join?: CsvJoin,
): string {
  let out = csvLine(PAYMENT_CSV_COLUMNS)
  for (const [i, p] of inDispatchOrder(payments).entries()) {
    const row = paymentCsvRow(p, i, nodeIds, join)
    out += csvLine(PAYMENT_CSV_COLUMNS.map((c) => row[c]))
  }
  return out
}
