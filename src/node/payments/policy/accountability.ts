/**
 * The relay rules of the `accountable` signal, lightning/bolts#1280, 02-peer-protocol.md, "Adding an HTLC:
 * update_add_htlc", requirements of a sending node:
 *
 * - if it is the original source of the HTLC: SHOULD omit `accountable` (MAY set it to mimic patterns of HTLCs it has
 *   forwarded);
 * - otherwise: if `accountable` is present in the incoming `update_add_htlc`: MUST set `accountable`; otherwise, if
 *   `upgrade_accountability` is present in the onion: MAY set `accountable`; otherwise: MUST NOT set `accountable`.
 *
 * A forwarding policy says whether it wants to hold the next peer accountable (it used scarce resources); these rules
 * say whether it may.
 */

/**
 * Whether a forwarded HTLC carries `accountable`: always when the incoming one did (MUST), never without that or the
 * onion's upgrade_accountability (MUST NOT), and as the policy wants when the onion allows the upgrade (MAY). A
 * policy that used protected or congestion resources for an HTLC the rules do not let it mark fails it instead.
 */
export function relayAccountable(incomingAccountable: boolean, upgradeAccountability: boolean, wanted: boolean) {
  if (incomingAccountable) return true
  if (upgradeAccountability) return wanted
  return false
}
