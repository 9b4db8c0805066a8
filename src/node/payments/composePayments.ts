/**
 * The three payment rooms of a node, built on the services composeNode() made
 * before them: receive (invoices, the final hop), outbound (our payments and
 * their routes) and the switch (forwarding, settlements), which hands outcomes
 * of our own HTLCs straight to outbound.
 */
import type { NodeComponents } from '../components.js'
import { MIN_FINAL_CLTV_EXPIRY_DELTA } from '../options.js'
import { PaymentSender } from './outbound/paymentSender.js'
import { RouteFinder } from './outbound/routeFinder.js'
import { FinalHop } from './receive/finalHop.js'
import { decodeInvoiceToPay, INVOICE_NETWORK, invoiceEncoder } from './receive/invoiceCodec.js'
import { InvoiceRegistry } from './receive/invoiceRegistry.js'
import { HtlcSwitch } from './switch/htlcSwitch.js'
import { Settlements } from './switch/settlements.js'
import { HtlcInterceptors } from './switch/htlcInterceptors.js'
import { createHtlcPolicy } from './policy/htlcPolicies.js'
import { FAILURE } from '../../routing/onion/failureCodes.js'

export function composePayments(c: NodeComponents): void {
  const { identity, log, stores } = c
  c.invoices = new InvoiceRegistry(
    stores.invoices,
    c.secrets.derive('invoices'),
    invoiceEncoder(identity.secret, identity.nodeId, c.gossip),
    MIN_FINAL_CLTV_EXPIRY_DELTA,
  )
  c.settlements = new Settlements({ log: log.child('switch'), bus: c.bus, channels: c.channels, htlcs: stores.htlcs })
  c.receive = new FinalHop({
    log: log.child('receive'),
    bus: c.bus,
    invoices: c.invoices,
    htlcs: stores.htlcs,
    preimages: stores.preimages,
    settlements: c.settlements,
    tip: c.watcher,
    minFinalCltvExpiryDelta: MIN_FINAL_CLTV_EXPIRY_DELTA,
    mppTimeoutMs: c.options.mppTimeoutMs,
  })
  c.routes = new RouteFinder({
    ourNodeId: identity.nodeId,
    gossip: c.gossip,
    channels: c.channels,
    peers: c.peers,
    missionControl: c.missionControl,
    tip: c.watcher,
  })
  c.outbound = new PaymentSender({
    log: log.child('pay'),
    bus: c.bus,
    network: INVOICE_NETWORK,
    ourNodeId: identity.nodeIdHex,
    decodeInvoice: decodeInvoiceToPay,
    payments: stores.payments,
    htlcs: stores.htlcs,
    tip: c.watcher,
    routes: c.routes,
    nodeFeatures: (nodeId) => c.gossip.featuresOf(nodeId),
    missionControl: c.missionControl,
    channels: c.channels,
    upgradeAccountability: c.options.upgradeAccountability,
  })
  c.htlcPolicy = createHtlcPolicy(c.options.htlcPolicy, c.secrets.derive('htlc-policy-salt'))
  c.switch = new HtlcSwitch({
    log: log.child('switch'),
    bus: c.bus,
    nodeSecret: identity.secret,
    replayLog: c.replayLog,
    htlcs: stores.htlcs,
    preimages: stores.preimages,
    tip: c.watcher,
    channels: c.channels,
    peers: c.peers,
    policies: c.policies,
    gossip: c.gossip,
    settlements: c.settlements,
    receive: c.receive,
    outbound: c.outbound,
    htlcPolicy: c.htlcPolicy,
    interceptors: new HtlcInterceptors(
      {
        timeoutMs: c.options.interceptTimeoutMs,
        defaultAction: c.options.interceptDefault,
        defaultFailureCode: FAILURE.TEMPORARY_CHANNEL_FAILURE,
      },
      log.child('intercept'),
    ),
    feeLimits: c.options.feeLimits,
  })
}
