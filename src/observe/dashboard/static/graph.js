// The network graph: cytoscape lays out nodes and channels; each channel's line is
// split in two colours at the point its balance divides, with each end's balance
// written at that end. Payments move along it as dots, hop by hop.
import cytoscape from '/vendor/cytoscape.mjs'
import { compactMsat } from './format.js'

const COLOR_1 = '#2f9e44'
const COLOR_2 = '#1c7ed6'
const STEP_COLORS = { add: '#f08c00', settle: '#2f9e44', fail: '#e03131' }
/** beyond this many dots in flight, new steps are not drawn (the tables still show everything) */
const MAX_DOTS = 30
/** a busy network moves more payments than eyes can follow: each batch animates this many, failures first */
const PAYMENTS_PER_BATCH = 6

function split(ele) {
  const b1 = Number(BigInt(ele.data('b1')) / 1000n)
  const b2 = Number(BigInt(ele.data('b2')) / 1000n)
  return b1 + b2 === 0 ? 50 : Math.round((b1 / (b1 + b2)) * 1000) / 10
}

export class NetworkGraph {
  constructor(container, { onNodeClick } = {}) {
    this.cy = cytoscape({
      container,
      style: [
        {
          selector: 'node.ln',
          style: {
            label: 'data(label)',
            'background-color': '#495057',
            color: '#212529',
            'font-size': 12,
            'text-valign': 'bottom',
            'text-margin-y': 4,
            width: 26,
            height: 26,
            'border-width': 2,
            'border-color': '#fff',
          },
        },
        { selector: 'node.ln.offline', style: { 'background-color': '#ced4da', color: '#adb5bd' } },
        { selector: 'node.ln.refused', style: { 'border-color': '#e03131', 'border-width': 5 } },
        { selector: 'node.ln.on-route', style: { 'border-color': '#f08c00', 'border-width': 4 } },
        {
          selector: 'edge',
          style: {
            width: 'data(width)',
            'curve-style': 'bezier',
            'line-fill': 'linear-gradient',
            'line-gradient-stop-colors': `${COLOR_1} ${COLOR_1} ${COLOR_2} ${COLOR_2}`,
            'line-gradient-stop-positions': (ele) => `0% ${split(ele)}% ${split(ele)}% 100%`,
            'source-label': 'data(label1)',
            'target-label': 'data(label2)',
            'source-text-offset': 34,
            'target-text-offset': 34,
            'font-size': 10,
            color: '#343a40',
            'text-background-color': '#fff',
            'text-background-opacity': 0.8,
            'text-background-padding': 1,
          },
        },
        { selector: 'edge.inactive', style: { 'line-style': 'dashed', opacity: 0.45 } },
        {
          selector: 'edge.failed-hop',
          style: { 'overlay-color': '#e03131', 'overlay-opacity': 0.35, 'overlay-padding': 5 },
        },
        {
          selector: 'node.htlc',
          style: {
            width: 11,
            height: 11,
            'background-color': 'data(color)',
            'border-width': 0,
            label: '',
            events: 'no',
          },
        },
      ],
    })
    this.active = 0
    this.queues = new Map()
    this.nodeCount = 0
    /** the node and channel objects last drawn: a batch replaces only what changed, so the rest is skipped */
    this.drawn = new Map()
    if (onNodeClick) this.cy.on('tap', 'node.ln', (e) => onNodeClick(e.target.id()))
  }

  /** Brings the graph in line with the current nodes and channels; one cytoscape batch, one repaint. */
  sync(nodes, channels, prune = false) {
    const cy = this.cy
    let added = false
    cy.batch(() => {
      if (prune) {
        // after a jump back in a replay, channels and nodes not yet there leave the graph
        const gone = cy
          .elements()
          .not('.htlc')
          .filter((el) => (el.isNode() ? !nodes.has(el.id()) : !channels.has(el.id())))
        gone.forEach((el) => this.drawn.delete(el.id()))
        gone.remove()
      }
      for (const n of nodes.values()) {
        if (this.drawn.get(n.id) === n) continue
        this.drawn.set(n.id, n)
        let el = cy.getElementById(n.id)
        if (el.empty()) {
          el = cy.add({ group: 'nodes', data: { id: n.id }, classes: 'ln' })
          added = true
        }
        el.data('label', n.alias)
        el.toggleClass('offline', !n.online)
      }
      for (const c of channels.values()) {
        if (this.drawn.get(c.channelId) === c) continue
        if (!c.node2 || cy.getElementById(c.node1).empty() || cy.getElementById(c.node2).empty()) continue
        this.drawn.set(c.channelId, c)
        let el = cy.getElementById(c.channelId)
        if (el.empty()) {
          el = cy.add({ group: 'edges', data: { id: c.channelId, source: c.node1, target: c.node2 } })
          added = true
        }
        const capSat = Number(BigInt(c.capacityMsat) / 1000n)
        el.data({
          b1: c.balance1Msat,
          b2: c.balance2Msat,
          label1: compactMsat(c.balance1Msat),
          label2: compactMsat(c.balance2Msat),
          width: Math.max(2, Math.min(12, Math.log10(capSat + 1) * 1.6)),
        })
        el.toggleClass('inactive', !c.active)
      }
    })
    if (added) this.layout()
  }

  layout() {
    const eles = this.cy.elements().not('.htlc')
    const n = eles.nodes().length
    // cose settles a readable picture for tens of nodes; a circle is clearer for a handful
    const options =
      n <= 6
        ? { name: 'circle', animate: false, padding: 40 }
        : {
            name: 'cose',
            animate: false,
            randomize: this.nodeCount === 0,
            nodeRepulsion: () => 9000,
            idealEdgeLength: () => 90,
            padding: 30,
          }
    eles.layout(options).run()
    this.nodeCount = n
    this.cy.fit(undefined, 40)
  }

  /** Animates a batch's HTLC steps: the steps of one payment run one after another, payments side by side. */
  animate(steps, durationMs) {
    const hashes = [...new Set(steps.map((s) => s.paymentHash))]
    const failing = new Set(steps.filter((s) => s.kind !== 'add' && s.kind !== 'settle').map((s) => s.paymentHash))
    const shown = new Set(
      [...hashes.filter((h) => failing.has(h)), ...hashes.filter((h) => !failing.has(h))].slice(0, PAYMENTS_PER_BATCH),
    )
    for (const s of steps) {
      if (!shown.has(s.paymentHash) && !this.queues.has(s.paymentHash)) continue
      const queue = this.queues.get(s.paymentHash) ?? Promise.resolve()
      const next = queue.then(() => this.play(s, durationMs))
      this.queues.set(s.paymentHash, next)
      next.then(() => {
        if (this.queues.get(s.paymentHash) === next) this.queues.delete(s.paymentHash)
      })
    }
  }

  play(step, durationMs) {
    const cy = this.cy
    const from = cy.getElementById(step.from)
    const to = cy.getElementById(step.to)
    const edge = cy.getElementById(step.channelId)
    if (from.empty() || to.empty()) return Promise.resolve()
    if (step.kind === 'refuse') {
      from.addClass('refused')
      edge.addClass('failed-hop')
      // long enough to see, short enough not to outlive the payment at replay speed
      setTimeout(() => {
        from.removeClass('refused')
        edge.removeClass('failed-hop')
      }, durationMs * 6)
      return Promise.resolve()
    }
    if (this.active >= MAX_DOTS) return Promise.resolve()
    this.active++
    const dot = cy.add({
      group: 'nodes',
      data: { id: `htlc-${Math.random().toString(36).slice(2)}`, color: STEP_COLORS[step.kind] },
      classes: 'htlc',
      position: { ...from.position() },
    })
    return new Promise((done) => {
      dot.animate(
        { position: { ...to.position() } },
        {
          duration: durationMs,
          complete: () => {
            dot.remove()
            this.active--
            done()
          },
        },
      )
    })
  }

  highlightRoute(nodeIds) {
    this.cy.batch(() => {
      this.cy.nodes('.ln').removeClass('on-route')
      for (const id of nodeIds) this.cy.getElementById(id).addClass('on-route')
    })
  }
}
