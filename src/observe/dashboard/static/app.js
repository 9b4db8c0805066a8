// The dashboard page: one server-sent-events stream brings a snapshot, then batches
// of what changed; each batch is merged into the state and painted once.
import { NetworkGraph } from './graph.js'
import { fillNodeFilter, renderChain, renderChannels, renderHops, renderNodes, renderPayments } from './panels.js'
import { Timeline } from './timeline.js'
import { clockTime, shortId } from './format.js'

const $ = (sel) => document.querySelector(sel)

const state = {
  mode: 'live',
  clock: 0,
  nodes: new Map(),
  channels: new Map(),
  payments: new Map(),
  chain: { height: 0, blocks: [], unplaced: [] },
  /** the payment shown in the side list: the latest one, unless one was clicked */
  selected: null,
  pinned: false,
  speed: 1,
  alias(id) {
    return id ? (state.nodes.get(id)?.alias ?? shortId(id)) : '?'
  },
  paymentsNewestFirst() {
    return [...state.payments.values()].sort((a, b) => b.startedAt - a.startedAt)
  },
}

/** the page keeps the newest payments only; the server keeps more */
const MAX_PAYMENTS = 1000

/** what changed since the last paint: only those panels are rebuilt */
const dirty = { nodes: true, channels: true, payments: true, chain: true }
/** the payments table is rebuilt at most this often; the graph follows every batch */
const TABLE_INTERVAL_MS = 400
let lastTable = 0
let tableTimer
/** a snapshot replaces the whole picture: the graph drops what is no longer there */
let prune = false

const filter = { node: '', status: '' }
const graph = new NetworkGraph($('#graph'), {
  onNodeClick: (id) => ((filter.node = $('#filter-node').value = id), repaintAll()),
})
const timeline = new Timeline($('#timeline'))
let pending = false

function merge(list, map, key) {
  for (const item of list) map.set(item[key], item)
}

function latestPayment() {
  let latest = null
  for (const p of state.payments.values()) if (!latest || p.startedAt >= latest.startedAt) latest = p
  return latest
}

function applySnapshot(s) {
  state.mode = s.mode
  state.clock = s.clock
  state.nodes = new Map(s.nodes.map((n) => [n.id, n]))
  state.channels = new Map(s.channels.map((c) => [c.channelId, c]))
  state.payments = new Map(s.payments.map((p) => [p.paymentHash, p]))
  state.chain = s.chain
  if (!state.pinned || !state.payments.has(state.selected)) state.selected = latestPayment()?.paymentHash ?? null
  timeline.show(s.replay)
  if (s.replay) state.speed = s.replay.speed
  prune = true
  repaintAll()
}

function applyBatch(b) {
  state.clock = b.clock
  merge(b.nodes, state.nodes, 'id')
  merge(b.channels, state.channels, 'channelId')
  merge(b.payments, state.payments, 'paymentHash')
  dirty.nodes ||= b.nodes.length > 0
  dirty.channels ||= b.channels.length > 0
  dirty.payments ||= b.payments.length > 0
  dirty.chain ||= b.chain !== null
  if (state.payments.size > MAX_PAYMENTS * 1.2)
    state.payments = new Map(
      state
        .paymentsNewestFirst()
        .slice(0, MAX_PAYMENTS)
        .map((p) => [p.paymentHash, p]),
    )
  if (b.chain) state.chain = b.chain
  if (b.replay) {
    timeline.show(b.replay)
    state.speed = b.replay.speed
  }
  if (!state.pinned) state.selected = latestPayment()?.paymentHash ?? null
  schedule()
  // hops play at a visible pace; a fast replay shortens them
  if (b.steps.length) graph.animate(b.steps, Math.max(60, 350 / Math.sqrt(state.speed)))
}

function schedule() {
  if (pending) return
  pending = true
  requestAnimationFrame(render)
}

function render() {
  pending = false
  graph.sync(state.nodes, state.channels, prune)
  prune = false
  const p = state.payments.get(state.selected)
  // a split payment lights every part's route
  const routes = p ? (p.parts?.length > 1 ? p.parts : [p.route]) : []
  graph.highlightRoute(p ? [p.from, ...routes.flat().map((h) => h.nodeId)].filter(Boolean) : [])
  if (dirty.nodes) fillNodeFilter($('#filter-node'), state)
  if (dirty.nodes || dirty.payments) {
    if (performance.now() - lastTable >= TABLE_INTERVAL_MS) {
      renderPayments($('#payments'), state, filter)
      renderHops($('#hops'), state)
      lastTable = performance.now()
      dirty.payments = false
    } else if (!tableTimer) tableTimer = setTimeout(() => ((tableTimer = undefined), schedule()), TABLE_INTERVAL_MS)
  }
  if (dirty.nodes) renderNodes($('#nodes'), state)
  if (dirty.nodes || dirty.channels) renderChannels($('#channels'), state)
  if (dirty.chain) renderChain($('#chain'), state)
  dirty.nodes = dirty.channels = dirty.chain = false
  $('#mode').textContent = state.mode
  $('#clock').textContent = clockTime(state.clock)
  let ok = 0
  let failed = 0
  for (const x of state.payments.values()) x.status === 'succeeded' ? ok++ : x.status === 'failed' ? failed++ : 0
  $('#totals').textContent =
    `${state.nodes.size} nodes, ${state.channels.size} channels, ${ok} payments succeeded, ${failed} failed, height ${state.chain.height}`
  document.body.dataset.ready = 'true'
}

function repaintAll() {
  dirty.nodes = dirty.channels = dirty.payments = dirty.chain = true
  lastTable = 0
  schedule()
}

$('#filter-node').addEventListener('change', (e) => ((filter.node = e.target.value), repaintAll()))
$('#filter-status').addEventListener('change', (e) => ((filter.status = e.target.value), repaintAll()))
$('#payments').addEventListener('click', (e) => {
  const row = e.target.closest('tr[data-hash]')
  if (!row) return
  state.pinned = state.selected !== row.dataset.hash || !state.pinned
  state.selected = state.pinned ? row.dataset.hash : (latestPayment()?.paymentHash ?? null)
  repaintAll()
})

const events = new EventSource('/api/events')
events.addEventListener('snapshot', (e) => applySnapshot(JSON.parse(e.data)))
events.addEventListener('batch', (e) => applyBatch(JSON.parse(e.data)))
events.addEventListener('open', () => ($('#connection').textContent = 'connected'))
events.addEventListener('error', () => ($('#connection').textContent = 'reconnecting…'))

// for people and tests poking at the page from the console
window.dashboard = { cy: graph.cy, state }
