/** A payment planned for a moment of the run, as traffic steps and SimLN activity plan them. */
export interface TimedPayment {
  /** ms after the start */
  atMs: number
  from: string
  to: string
  amountMsat: bigint
  /** the traffic step's or activity's id, recorded in the outcome */
  id?: string | undefined
}
