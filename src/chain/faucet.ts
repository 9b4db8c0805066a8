/**
 * The faucet: the holder of the genesis premine (and, by default, of the mining
 * rewards), paying addresses with ordinary signed transactions that go through
 * the same validation as anyone's. It pays no fee, so every satoshi it gives
 * out reaches the payee.
 *
 * What it has paid out is derived from the chain itself (transactions all of
 * whose inputs are the faucet's), so it stays right across restarts and a lost
 * mempool.
 */
import type { Sat } from '../core/amount.js'
import { MAX_MONEY_SAT } from '../core/amount.js'
import { LnsimError } from '../core/errors.js'
import { publicKeyOf } from '../crypto/secp256k1.js'
import { addressFromPublicKey } from './address.js'
import { conditionsEqual, sig, type Condition } from './condition.js'
import type { ChainState } from './chainState.js'
import type { MempoolEntry } from './mempool.js'
import { signInput, type OutPoint, type Transaction, type TxOutput } from './transaction.js'
import { COINBASE_MATURITY, type Coin } from './validate.js'

export class FaucetError extends LnsimError {
  constructor(code: 'FAUCET_EMPTY' | 'INVALID_AMOUNT', message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'FaucetError'
  }
}

export interface FaucetPayment {
  txid: string
  /** the output that pays the recipient */
  outpoint: OutPoint
  output: TxOutput
  tx: Transaction
}

export class Faucet {
  readonly condition: Condition
  readonly address: string
  private confirmedPaidOut = 0n

  constructor(
    private readonly state: ChainState,
    private readonly privateKey: Uint8Array,
  ) {
    const pubkey = publicKeyOf(privateKey)
    this.condition = sig(pubkey)
    this.address = addressFromPublicKey(pubkey)
    this.recount()
    // what the replaced blocks paid is in the mempool again (or gone): count the branch that stays
    state.onReorg(() => this.recount())
    state.onBlock((b) =>
      b.block.txs.forEach((tx, i) => (this.confirmedPaidOut += i === 0 ? 0n : this.paidBy(tx, b.spent[i]!))),
    )
  }

  private recount(): void {
    this.confirmedPaidOut = 0n
    for (const block of this.state.blockRange(0))
      for (const tx of block.txs.slice(1))
        this.confirmedPaidOut += this.paidBy(
          tx,
          tx.inputs.map((i) => this.state.output(i.prevout)!),
        )
  }

  /** Everything paid to others, confirmed or in the mempool (fees excluded: the faucet pays none). */
  get paidOut(): Sat {
    return this.state.mempool
      .all()
      .reduce((sum: Sat, e: MempoolEntry) => sum + this.paidBy(e.tx, e.spent), this.confirmedPaidOut)
  }

  /** Pays `amount` to `condition` from the faucet's spendable outputs; the payment enters the mempool. */
  pay(condition: Condition, amount: Sat): FaucetPayment {
    const { txid, tx, outputs } = this.payMany([{ condition, amount }])
    return { txid, outpoint: outputs[0]!, output: tx.outputs[0]!, tx }
  }

  /**
   * Pays every recipient in one transaction, output i to recipient i (the faucet's change last),
   * so a whole network is funded by one transaction, in a fixed order, instead of one per coin.
   */
  payMany(payments: ReadonlyArray<{ condition: Condition; amount: Sat }>): {
    txid: string
    tx: Transaction
    outputs: OutPoint[]
  } {
    if (payments.length === 0) throw new FaucetError('INVALID_AMOUNT', 'nothing to pay')
    for (const { amount } of payments) {
      if (amount <= 0n || amount > MAX_MONEY_SAT)
        throw new FaucetError('INVALID_AMOUNT', `the amount must be from 1 to ${MAX_MONEY_SAT} sat, got ${amount}`)
    }
    const amount = payments.reduce((sum, p) => sum + p.amount, 0n)
    if (amount > MAX_MONEY_SAT)
      throw new FaucetError('INVALID_AMOUNT', `the payments add up to ${amount} sat, more than ${MAX_MONEY_SAT}`)
    const nextHeight = this.state.height + 1
    const spendable = this.state
      .unspentWithCondition(this.condition)
      .filter((u) => !(u.coinbase && u.height !== null && u.height > 0 && nextHeight - u.height < COINBASE_MATURITY))
      .sort((a, b) => (a.output.value < b.output.value ? 1 : a.output.value > b.output.value ? -1 : 0))
    const chosen: typeof spendable = []
    let total = 0n
    for (const u of spendable) {
      if (total >= amount) break
      chosen.push(u)
      total += u.output.value
    }
    if (total < amount)
      throw new FaucetError(
        'FAUCET_EMPTY',
        `the faucet can spend only ${total} sat now, less than the ${amount} sat asked for`,
        { availableSat: total.toString() },
      )
    const outputs: TxOutput[] = payments.map((p) => ({ value: p.amount, condition: p.condition }))
    if (total > amount) outputs.push({ value: total - amount, condition: this.condition })
    const tx: Transaction = {
      version: 1,
      lockTime: 0,
      inputs: chosen.map((u) => ({ prevout: u.outpoint, witness: { signatures: [], preimages: [] } })),
      outputs,
    }
    chosen.forEach((u, i) => tx.inputs[i]!.witness.signatures.push(signInput(tx, i, u.output, this.privateKey)))
    const entry = this.state.submit(tx)
    return { txid: entry.txid, tx, outputs: payments.map((_, vout) => ({ txid: entry.txid, vout })) }
  }

  private paidBy(tx: Transaction, spent: Array<Coin | undefined>): Sat {
    if (spent.length === 0 || !spent.every((c) => c && conditionsEqual(c.output.condition, this.condition))) return 0n
    return tx.outputs.reduce((sum, o) => (conditionsEqual(o.condition, this.condition) ? sum : sum + o.value), 0n)
  }
}
