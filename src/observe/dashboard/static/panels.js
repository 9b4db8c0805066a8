// The page's lists: payments (filtered by node and status), the selected payment's
// hops with fee and time, per-node fee totals, channels with both balances, and the chain.
import { clockTime, escapeHtml, formatMs, formatMsat, formatSat, shortId } from './format.js'

const MAX_ROWS = 100

export function renderPayments(table, state, filter) {
  const alias = state.alias
  const rows = []
  for (const p of state.paymentsNewestFirst()) {
    if (filter.status && p.status !== filter.status) continue
    if (filter.node && p.from !== filter.node && p.to !== filter.node && !p.route.some((h) => h.nodeId === filter.node))
      continue
    const routes = p.parts?.length > 1 ? p.parts : [p.route]
    const route = routes
      .map((r) => [p.from, ...r.map((h) => h.nodeId)].filter(Boolean).map(alias).join(' → '))
      .join(' | ')
    rows.push(
      `<tr data-hash="${p.paymentHash}" class="status-${p.status}${p.paymentHash === state.selected ? ' selected' : ''}">` +
        `<td>${clockTime(p.startedAt)}</td><td>${escapeHtml(alias(p.from))}</td><td>${escapeHtml(alias(p.to))}</td>` +
        `<td class="num">${formatMsat(p.amountMsat)}</td><td class="num">${formatMsat(p.feeMsat)}</td>` +
        `<td class="route">${escapeHtml(route || '–')}</td><td class="num">${p.attempts}</td><td class="num">${formatMs(p.latencyMs)}</td>` +
        `<td class="status">${p.status}${p.failure ? ` <span class="code">${escapeHtml(p.failure.code)}</span>` : ''}</td></tr>`,
    )
    if (rows.length >= MAX_ROWS) break
  }
  table.tBodies[0].innerHTML = rows.join('') || '<tr><td colspan="9" class="empty">no payments yet</td></tr>'
}

export function renderHops(el, state) {
  const p = state.payments.get(state.selected)
  if (!p) {
    el.innerHTML =
      '<p class="empty">No payment yet. Payments appear here as they happen; click one in the table to look at it.</p>'
    return
  }
  const alias = state.alias
  const failing = p.failure?.failingNode ?? null
  const hopsOf = (route) =>
    route
      .map((h, i) => {
        const cls = h.nodeId === failing ? ' class="failing"' : ''
        const isLast = i === route.length - 1
        return (
          `<li${cls}><b>${escapeHtml(alias(h.nodeId))}</b> via ${escapeHtml(h.shortChannelId)}` +
          `<br><span>receives ${formatMsat(h.amountMsat)}; ${isLast ? 'payee' : `fee ${formatMsat(h.feeMsat)}`}; ` +
          `reached after ${formatMs(h.arrivedAfterMs)}` +
          `${h.forwardMs !== null ? `; held ${formatMs(h.forwardMs)}` : ''}</span>` +
          `${h.nodeId === failing ? ' <span class="code">failed here</span>' : ''}</li>`
        )
      })
      .join('')
  const routeList = (route) =>
    `<ol class="hops"><li><b>${escapeHtml(alias(p.from))}</b> ` +
    `<span>payer, sends ${formatMsat(route[0]?.amountMsat ?? p.amountMsat)}</span></li>${hopsOf(route)}</ol>`
  // a split payment: each part on its own route
  const routes =
    p.parts?.length > 1
      ? p.parts.map((route, i) => `<p class="part">part ${i + 1} of ${p.parts.length}</p>${routeList(route)}`).join('')
      : routeList(p.route)
  el.innerHTML =
    `<p class="payment-head status-${p.status}"><b>${escapeHtml(alias(p.from))} → ${escapeHtml(alias(p.to))}</b> ` +
    `${formatMsat(p.amountMsat)}<br>` +
    `${p.status}, fee ${formatMsat(p.feeMsat)}, ${p.attempts} attempt(s), ${formatMs(p.latencyMs)}` +
    `${p.parts?.length > 1 ? `, in ${p.parts.length} parts` : ''}` +
    `${p.failure ? `<br><span class="code">${escapeHtml(p.failure.code)}</span> ${escapeHtml(p.failure.message)}` : ''}</p>` +
    routes +
    `<p class="hash">${p.paymentHash}</p>`
}

/** msat × s as sat × s, whole; absent in the events of older versions */
function formatSatSeconds(msatSeconds) {
  if (msatSeconds === undefined || msatSeconds === null) return '–'
  return (BigInt(msatSeconds) / 1000n).toLocaleString('en-US')
}

export function renderNodes(table, state) {
  const rows = [...state.nodes.values()]
    .sort((a, b) => a.alias.localeCompare(b.alias))
    .map(
      (n) =>
        `<tr data-node="${n.id}" class="${n.online ? '' : 'offline'}"><td title="${n.id}">${escapeHtml(n.alias)}</td>` +
        `<td class="num">${formatMsat(n.feesEarnedMsat)}</td><td class="num">${formatMsat(n.feesPaidMsat)}</td>` +
        `<td class="num">${n.paymentsSent}</td><td class="num">${n.paymentsReceived}</td><td class="num">${n.forwards}</td>` +
        `<td class="num">${n.htlcsInFlight ?? 0}</td><td class="num">${n.htlcsHeld ?? 0}</td>` +
        `<td class="num">${formatSatSeconds(n.lockedMsatSeconds)}</td></tr>`,
    )
  table.tBodies[0].innerHTML = rows.join('')
}

function channelRow(c, alias) {
  return (
    `<td title="${c.channelId}">${escapeHtml(c.shortChannelId ?? shortId(c.channelId))}</td>` +
    `<td>${escapeHtml(alias(c.node1))}</td><td class="num balance1">${formatMsat(c.balance1Msat)}</td>` +
    `<td>${escapeHtml(alias(c.node2))}</td><td class="num balance2">${formatMsat(c.balance2Msat)}</td>` +
    `<td class="num">${formatMsat(c.capacityMsat)}</td><td>${escapeHtml(c.state)}</td>`
  )
}

/** Rows are kept and rewritten only for channels that changed: balances move on every batch of a busy network. */
export function renderChannels(table, state) {
  const body = table.tBodies[0]
  const channels = [...state.channels.values()].sort((a, b) =>
    (a.shortChannelId ?? a.channelId).localeCompare(b.shortChannelId ?? b.channelId),
  )
  const order = channels.map((c) => c.channelId).join()
  if (body.dataset.order !== order) {
    body.innerHTML = channels.map((c) => `<tr data-channel-id="${c.channelId}"></tr>`).join('')
    body.dataset.order = order
  }
  channels.forEach((c, i) => {
    const row = body.rows[i]
    if (row.lnsimChannel === c) return
    row.lnsimChannel = c
    row.className = c.active ? '' : 'inactive'
    row.innerHTML = channelRow(c, state.alias)
  })
}

function txChip(tx, alias) {
  return `<span class="tx tx-${tx.kind}" title="${tx.txid}">${escapeHtml(tx.label)} ${shortId(tx.txid, 6)}${tx.amountSat !== null ? ` ${formatSat(tx.amountSat)}` : ''} <i>${escapeHtml(alias(tx.node))}</i></span>`
}

export function renderChain(el, state) {
  const chain = state.chain
  const alias = state.alias
  const blocks = chain.blocks
    .map(
      (b) =>
        `<li><b>#${b.height}</b> <span class="hash">${shortId(b.hash, 10)}</span> ${b.txCount} tx${b.txs.length ? '<br>' + b.txs.map((t) => txChip(t, alias)).join(' ') : ''}</li>`,
    )
    .join('')
  const unplaced = chain.unplaced
    .map((t) => `<li>${txChip(t, alias)}${t.height !== null ? ` in #${t.height}` : ''}</li>`)
    .join('')
  el.innerHTML =
    `<p>height <b id="chain-height">${chain.height}</b></p>` +
    `<ol class="blocks">${blocks || '<li class="empty">no blocks seen yet</li>'}</ol>` +
    (unplaced ? `<h3>Transactions not in a block seen here</h3><ul class="blocks">${unplaced}</ul>` : '')
}

export function fillNodeFilter(select, state) {
  const current = select.value
  const options = [...state.nodes.values()]
    .sort((a, b) => a.alias.localeCompare(b.alias))
    .map((n) => `<option value="${n.id}">${escapeHtml(n.alias)}</option>`)
  const html = `<option value="">all nodes</option>${options.join('')}`
  if (select.dataset.html !== html) {
    select.innerHTML = html
    select.dataset.html = html
    select.value = current
  }
}
