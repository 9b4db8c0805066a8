/**
 * The node's on-chain wallet: keys derived from the node key by index, one
 * `sig(pubkey)` address each, coins found through the chain's address index,
 * and funding transactions built and signed here. Coins chosen for a funding
 * transaction stay locked until it is broadcast or the opening is abandoned.
 *
 * Change has its own chain of keys (as BIP 44's internal chain): a funding
 * transaction's change address then depends only on how many fundings came
 * before it, not on how many channels the node happened to accept meanwhile
 * (each takes a closing address), so a seeded network funds its channels with
 * the same transactions, and gets the same channel ids, on every run.
 */
import { toHex } from '../../core/bytes.js'
import { utf8 } from '../../core/bytes.js'
import { sig, type Condition } from '../../chain/condition.js'
import { addressFromPublicKey } from '../../chain/address.js'
import { emptyWitness, outpointKey, signInput, type Transaction, type TxOutput } from '../../chain/transaction.js'
import { hmacSha256 } from '../../crypto/hash.js'
import { isValidPrivateKey, publicKeyOf } from '../../crypto/secp256k1.js'
import type { KvLog } from '../store/durableStore.js'
import type { ChainAccess, UtxoView } from '../chain/chainAccess.js'
import { NodeError } from '../errors.js'

export interface WalletState {
  nextIndex: number
  /** the next key of the change chain; absent in wallets made before it existed */
  nextChangeIndex?: number
  /** address → what it was made for (deposit, channel close, …) */
  labels: Record<string, string>
}

export interface WalletCoin extends UtxoView {
  address: string
  index: number
  label: string
}

const STATE_KEY = 'wallet'

export class Wallet {
  private readonly keys = new Map<string, { index: number; privateKey: Uint8Array; condition: Condition }>()
  private readonly locked = new Set<string>()
  private state: WalletState

  constructor(
    private readonly root: Uint8Array,
    private readonly store: KvLog<WalletState>,
    private readonly chain: ChainAccess,
    private readonly feeratePerKw: number,
  ) {
    this.state = store.get(STATE_KEY) ?? { nextIndex: 0, labels: {} }
    for (let i = 0; i < this.state.nextIndex; i++) this.remember(i)
    for (let i = 0; i < (this.state.nextChangeIndex ?? 0); i++) this.remember(i, 'change')
  }

  private privateKeyAt(index: number, chain: 'receive' | 'change'): Uint8Array {
    let k = hmacSha256(this.root, utf8(chain === 'receive' ? `wallet/${index}` : `wallet/change/${index}`))
    while (!isValidPrivateKey(k)) k = hmacSha256(k, utf8('retry'))
    return k
  }

  private remember(index: number, chain: 'receive' | 'change' = 'receive'): string {
    const privateKey = this.privateKeyAt(index, chain)
    const pubkey = publicKeyOf(privateKey)
    const address = addressFromPublicKey(pubkey)
    this.keys.set(address, { index, privateKey, condition: sig(pubkey) })
    return address
  }

  /** A fresh address; durable once the store is flushed (callers flush before handing it out). */
  newAddress(label = 'deposit'): { address: string; condition: Condition } {
    const index = this.state.nextIndex
    const address = this.remember(index)
    this.state = { ...this.state, nextIndex: index + 1, labels: { ...this.state.labels, [address]: label } }
    this.store.set(STATE_KEY, this.state)
    return { address, condition: this.keys.get(address)!.condition }
  }

  /** A fresh address on the change chain, for the change of a transaction this wallet builds. */
  private newChangeAddress(): { address: string; condition: Condition } {
    const index = this.state.nextChangeIndex ?? 0
    const address = this.remember(index, 'change')
    this.state = { ...this.state, nextChangeIndex: index + 1, labels: { ...this.state.labels, [address]: 'change' } }
    this.store.set(STATE_KEY, this.state)
    return { address, condition: this.keys.get(address)!.condition }
  }

  addresses(): string[] {
    return [...this.keys.keys()]
  }

  ownsCondition(c: Condition): boolean {
    return (
      c.type === 'sig' &&
      [...this.keys.values()].some((k) => k.condition.type === 'sig' && toHex(k.condition.pubkey) === toHex(c.pubkey))
    )
  }

  /** Every unspent coin of every address, asked of the chain in one request rather than one per address. */
  async coins(): Promise<WalletCoin[]> {
    const addresses = this.addresses()
    const utxos = await this.chain.utxos(addresses)
    return addresses.flatMap((address) =>
      (utxos.get(address) ?? []).map((u) => ({
        ...u,
        address,
        index: this.keys.get(address)!.index,
        label: this.state.labels[address] ?? 'deposit',
      })),
    )
  }

  /**
   * A signed transaction paying `amountSat` to `condition`, change back to a new
   * address. Largest coins first; confirmed coins before unconfirmed ones.
   */
  async fund(amountSat: bigint, condition: Condition): Promise<{ tx: Transaction; outputIndex: number }> {
    const coins = (await this.coins()).filter((c) => !this.locked.has(`${c.txid}:${c.vout}`))
    coins.sort(
      (a, b) =>
        (a.confirmations > 0 ? 0 : 1) - (b.confirmations > 0 ? 0 : 1) ||
        (b.valueSat > a.valueSat ? 1 : b.valueSat < a.valueSat ? -1 : 0),
    )
    const chosen: WalletCoin[] = []
    let total = 0n
    const fee = (inputs: number): bigint => (BigInt(this.feeratePerKw) * 4n * BigInt(120 + inputs * 110)) / 1000n
    for (const c of coins) {
      if (total >= amountSat + fee(chosen.length)) break
      chosen.push(c)
      total += c.valueSat
    }
    const needed = amountSat + fee(chosen.length)
    if (total < needed) {
      throw new NodeError(
        'INSUFFICIENT_FUNDS',
        `the wallet has ${coins.reduce((s, c) => s + c.valueSat, 0n)} sat available, ${needed} sat are needed ` +
          `(amount plus fee); fund it with \`lnsim chain fund $(lnsim newaddress) SAT\``,
      )
    }
    const outputs: TxOutput[] = [{ value: amountSat, condition }]
    const change = total - needed
    // dust change goes to the miner rather than making an output nobody can afford to spend
    if (change >= 546n) outputs.push({ value: change, condition: this.newChangeAddress().condition })
    const unsigned: Transaction = {
      version: 2,
      lockTime: 0,
      inputs: chosen.map((c) => ({ prevout: { txid: c.txid, vout: c.vout }, witness: emptyWitness() })),
      outputs,
    }
    const tx: Transaction = {
      ...unsigned,
      inputs: chosen.map((c, i) => {
        const k = this.keys.get(c.address)!
        return {
          prevout: unsigned.inputs[i]!.prevout,
          witness: {
            signatures: [signInput(unsigned, i, { value: c.valueSat, condition: k.condition }, k.privateKey)],
            preimages: [],
          },
        }
      }),
    }
    for (const c of chosen) this.locked.add(`${c.txid}:${c.vout}`)
    return { tx, outputIndex: 0 }
  }

  /** Unlocks the coins of a funding transaction that will never be broadcast. */
  release(tx: Transaction): void {
    for (const i of tx.inputs) this.locked.delete(outpointKey(i.prevout))
  }

  labelOf(address: string): string {
    return this.state.labels[address] ?? 'deposit'
  }
}
