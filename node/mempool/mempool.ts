/**
 * The mempool: admitted transactions waiting for a block. Spec: docs/mempool.md.
 * - per sender, a gap-free run of sequences starting at the account's next sequence;
 * - block building takes sender heads by fee rate (fee per unit of weight), highest first;
 * - caps on count, bytes and entries per sender; when full, a better-paying transaction evicts
 *   the worst-paying tail entry (never a middle one, which would strand its successors);
 * - replace-by-fee: same sender and sequence with a fee at least `rbfBumpPercent` higher;
 * - after every block, included, expired, stale and no-longer-affordable entries are dropped.
 */
import { QuarryError } from '../errors.ts';
import { toHex } from '../encoding/bytes.ts';
import { decodeTx, type Tx } from '../tx/tx.ts';
import { checkTxStatic, maxSpend, txWeight } from '../exec/ante.ts';
import { getAccount } from '../modules/bank/account.ts';
import type { ChainParams } from '../modules/chain-params.ts';
import type { StateReader } from '../state/view.ts';
import { Heap } from '../util/heap.ts';

export interface MempoolConfig {
  maxTxs: number;
  maxBytes: number;
  maxPerSender: number;
  rbfBumpPercent: number;
}

export const DEFAULT_MEMPOOL_CONFIG: MempoolConfig = { maxTxs: 5000, maxBytes: 32 * 1024 * 1024, maxPerSender: 64, rbfBumpPercent: 10 };

/** What the mempool needs to know about the chain: the state and rules for the next block. */
export interface MempoolChainView {
  chainId: string;
  nextHeight(): bigint;
  params(): Promise<ChainParams>;
  state(): StateReader;
}

export interface MempoolEntry {
  tx: Tx;
  id: string;
  weight: bigint;
  spend: bigint;
  arrival: number;
}

/** a pays a strictly better fee rate than b (fee/weight compared by cross-multiplication). */
function higherRate(a: MempoolEntry, b: MempoolEntry): boolean {
  const l = a.tx.tx.body.fee * b.weight;
  const r = b.tx.tx.body.fee * a.weight;
  return l === r ? a.arrival < b.arrival : l > r;
}

export class Mempool {
  private readonly byId = new Map<string, MempoolEntry>();
  private readonly bySender = new Map<string, MempoolEntry[]>();
  private totalBytes = 0;
  private arrivals = 0;

  constructor(private readonly chain: MempoolChainView, readonly config: MempoolConfig = DEFAULT_MEMPOOL_CONFIG) {}

  get size(): number {
    return this.byId.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  has(hash: Uint8Array): boolean {
    return this.byId.has(toHex(hash));
  }

  entries(): MempoolEntry[] {
    return [...this.byId.values()].sort((a, b) => (higherRate(a, b) ? -1 : 1));
  }

  /** Admits raw transaction bytes or throws a QuarryError with a stable code; changes nothing on error. */
  async add(bytes: Uint8Array): Promise<Tx> {
    const params = await this.chain.params();
    const tx = decodeTx(bytes, Number(params.maxTxBytes));
    const id = toHex(tx.hash);
    if (this.byId.has(id)) throw new QuarryError('E_DUPLICATE', 'transaction is already in the mempool');
    checkTxStatic(tx, this.chain.chainId, this.chain.nextHeight(), params);
    const entry: MempoolEntry = { tx, id, weight: txWeight(tx), spend: maxSpend(tx), arrival: this.arrivals++ };
    const senderId = toHex(tx.sender);
    const queue = this.bySender.get(senderId) ?? [];
    const acct = await getAccount(this.chain.state(), tx.sender);
    const seq = tx.tx.body.sequence;
    const position = Number(seq - acct.sequence);
    if (seq < acct.sequence) throw new QuarryError('E_SEQUENCE', `sequence ${seq} was already used (next is ${acct.sequence})`);
    if (position > queue.length) throw new QuarryError('E_SEQUENCE', `sequence ${seq} leaves a gap (next acceptable is ${acct.sequence + BigInt(queue.length)})`);
    const replacing = queue[position];
    if (replacing) this.checkReplacement(replacing, entry);
    else if (queue.length >= this.config.maxPerSender) throw new QuarryError('E_SENDER_LIMIT', `sender already has ${queue.length} pending transactions (limit ${this.config.maxPerSender})`);
    const next = [...queue];
    next[position] = entry;
    const needed = next.reduce((s, e) => s + e.spend, 0n);
    if (needed > acct.balance) throw new QuarryError('E_INSUFFICIENT_FUNDS', `pending transactions need ${needed} uqry, the account holds ${acct.balance}`);
    this.makeRoom(entry, replacing);
    if (replacing) this.removeEntry(replacing);
    this.bySender.set(senderId, next);
    this.byId.set(id, entry);
    this.totalBytes += tx.bytes.length;
    return tx;
  }

  private checkReplacement(old: MempoolEntry, entry: MempoolEntry): void {
    const oldFee = old.tx.tx.body.fee;
    const minFee = (oldFee * BigInt(100 + this.config.rbfBumpPercent) + 99n) / 100n;
    if (entry.tx.tx.body.fee < minFee) {
      throw new QuarryError('E_FEE_TOO_LOW', `replacing a pending transaction needs a fee of at least ${minFee} uqry (${this.config.rbfBumpPercent}% above ${oldFee})`);
    }
  }

  /**
   * Evicts worse-paying tail entries of other senders until `entry` fits, or throws
   * E_MEMPOOL_FULL. Nothing is removed unless enough room can be made.
   */
  private makeRoom(entry: MempoolEntry, replacing: MempoolEntry | undefined): void {
    let count = this.byId.size - (replacing ? 1 : 0) + 1;
    let bytes = this.totalBytes - (replacing?.tx.bytes.length ?? 0) + entry.tx.bytes.length;
    const ownSender = toHex(entry.tx.sender);
    const tails = new Map<string, number>();
    for (const [sender, queue] of this.bySender) if (sender !== ownSender) tails.set(sender, queue.length - 1);
    const victims: MempoolEntry[] = [];
    while (count > this.config.maxTxs || bytes > this.config.maxBytes) {
      let worst: { sender: string; e: MempoolEntry } | undefined;
      for (const [sender, at] of tails) {
        const e = this.bySender.get(sender)![at];
        if (e && (!worst || higherRate(worst.e, e))) worst = { sender, e };
      }
      if (!worst || !higherRate(entry, worst.e)) {
        throw new QuarryError('E_MEMPOOL_FULL', `mempool is full (${this.byId.size} transactions, ${this.totalBytes} bytes) and the fee rate is too low to evict anything`);
      }
      victims.push(worst.e);
      tails.set(worst.sender, tails.get(worst.sender)! - 1);
      count -= 1;
      bytes -= worst.e.tx.bytes.length;
    }
    for (const v of victims) this.removeEntry(v);
  }

  private removeEntry(e: MempoolEntry): void {
    if (!this.byId.delete(e.id)) return;
    this.totalBytes -= e.tx.bytes.length;
    const senderId = toHex(e.tx.sender);
    const queue = this.bySender.get(senderId);
    if (!queue) return;
    const rest = queue.filter((x) => x !== e);
    if (rest.length === 0) this.bySender.delete(senderId);
    else this.bySender.set(senderId, rest);
  }

  /** Transactions for the next block: per-sender order, highest fee rate first, within limits. */
  reap(maxTxs: number, maxBytes: number): Tx[] {
    const heap = new Heap<{ entry: MempoolEntry; queue: MempoolEntry[]; index: number }>((a, b) => higherRate(a.entry, b.entry));
    for (const queue of this.bySender.values()) heap.push({ entry: queue[0]!, queue, index: 0 });
    const out: Tx[] = [];
    let bytes = 0;
    while (heap.size > 0 && out.length < maxTxs) {
      const top = heap.pop()!;
      const size = top.entry.tx.bytes.length;
      if (bytes + size > maxBytes) continue; // this sender's run stops here; others may still fit
      out.push(top.entry.tx);
      bytes += size;
      const next = top.queue[top.index + 1];
      if (next) heap.push({ entry: next, queue: top.queue, index: top.index + 1 });
    }
    return out;
  }

  /** Drops specific transactions (refused by the block builder). */
  removeTxs(txs: Tx[]): void {
    for (const tx of txs) {
      const e = this.byId.get(toHex(tx.hash));
      if (!e) continue;
      // later sequences of the same sender can no longer apply
      const queue = this.bySender.get(toHex(e.tx.sender)) ?? [];
      for (const x of queue.slice(queue.indexOf(e))) this.removeEntry(x);
    }
  }

  /** Re-checks every sender against the new head: drops included, stale, expired and unaffordable entries. */
  async recheck(): Promise<number> {
    const before = this.byId.size;
    const state = this.chain.state();
    const height = this.chain.nextHeight();
    for (const queue of [...this.bySender.values()]) {
      const acct = await getAccount(state, queue[0]!.tx.sender);
      let expectSeq = acct.sequence;
      let funds = acct.balance;
      let broken = false;
      for (const e of queue) {
        const body = e.tx.tx.body;
        if (body.sequence < acct.sequence) {
          this.removeEntry(e);
          continue;
        }
        const expired = body.expiresAtHeight !== 0n && height > body.expiresAtHeight;
        broken ||= expired || body.sequence !== expectSeq || e.spend > funds;
        if (broken) {
          this.removeEntry(e);
          continue;
        }
        expectSeq += 1n;
        funds -= e.spend;
      }
    }
    return before - this.byId.size;
  }
}
