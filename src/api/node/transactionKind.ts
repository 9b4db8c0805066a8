/**
 * What a transaction a node broadcast is, read off the label it gives it (the
 * `label` of its `onchain` events): the words a scenario uses to count the
 * transactions of a run by kind.
 *
 * - `funding`: opens a channel
 * - `commitment`: a unilateral close, revoked or not
 * - `htlc-timeout`, `htlc-success`: BOLT #3 second-stage HTLC transactions of the commitment's holder
 * - `sweep`: takes a close's output into a wallet (to_local after its delay, to_remote, an HTLC output of the other
 *   side's commitment, the output of an HTLC transaction after its delay)
 * - `penalty`: takes a revoked commitment's outputs (or its HTLC transactions') with the revocation key
 * - `close`: a mutual close
 */
export const TRANSACTION_KINDS = [
  'funding',
  'commitment',
  'htlc-timeout',
  'htlc-success',
  'sweep',
  'penalty',
  'close',
] as const
export type TransactionKind = (typeof TRANSACTION_KINDS)[number]

const BY_LABEL: Readonly<Record<string, TransactionKind>> = {
  funding: 'funding',
  commitment: 'commitment',
  'revoked commitment (cheat)': 'commitment',
  htlc_timeout: 'htlc-timeout',
  htlc_success: 'htlc-success',
  'htlc_timeout (cheat)': 'htlc-timeout',
  'htlc_success (cheat)': 'htlc-success',
  to_local_delayed: 'sweep',
  to_remote: 'sweep',
  remote_htlc_preimage: 'sweep',
  remote_htlc_timeout: 'sweep',
  htlc_delayed: 'sweep',
  penalty: 'penalty',
  'mutual close': 'close',
}

/** undefined for a label of no channel transaction (a wallet's own payment). */
export function transactionKind(label: string): TransactionKind | undefined {
  return Object.hasOwn(BY_LABEL, label) ? BY_LABEL[label] : undefined
}
