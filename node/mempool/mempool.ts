/**
 * The mempool: admitted transactions waiting for a block. Spec: docs/mempool.md.
 * - per sender, a gap-free run of sequences starting at the account's next sequence;
 * - block building takes sender heads by fee rate (fee per unit of weight), highest first;
 * - caps on count, bytes and entries per sender; when full, a better-paying transaction evicts
 *   the worst-paying tail entry (never a middle one, which would strand its successors);
 * - replace-by-fee: same sender and sequence with a fee at least `rbfBumpPercent` higher;
 * - after every block, included, expired, stale and no-longer-affordable entries are dropped;
 * - admission is atomic with respect to every other admission, removal and recheck.
 */
import { QuarryError } from '../../protocol/errors.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { checkTxSignature, decodeTxUnverified, type Tx } from '../tx/tx.ts';
import { checkTxStatic, maxSpend, txWeight } from '../exec/ante.ts';
import { getAccount, type Account } from '../modules/bank/account.ts';
import type { ChainParams } from '../modules/chain-params.ts';
import type { StateReader } from '../state/view.ts';
import { Heap } from '../util/heap.ts';

export interface MempoolConfig {
  maxTxs: number;
  maxBytes: number;
  maxPerSender: number;
  rbfBumpPercent: number;
  /** Blocks a transaction may wait before it is dropped (0: until it expires by its own height). */
  ttlBlocks: number;
}

export const DEFAULT_MEMPOOL_CONFIG: MempoolConfig = { maxTxs: 5000, maxBytes: 32 * 1024 * 1024, maxPerSender: 64, rbfBumpPercent: 10, ttlBlocks: 600 };

/** What the mempool needs to know about the chain: the state and rules for the next block. */
export interface MempoolChainView {
  chainId: string;
  nextHeight(): bigint;
  params(): Promise<ChainParams>;
  state(): StateReader;
}

/** What one block may hold (the chain parameters maxBlockTxs, maxBlockBytes, maxBlockWeight). */
export interface BlockLimits {
  maxTxs: number;
  maxBytes: number;
  maxWeight: bigint;
}

export interface MempoolEntry {
  tx: Tx;
  id: string;
  weight: bigint;
  spend: bigint;
  arrival: number;
  /** The height it was admitted for (the next block's at the time). */
  admittedAt: bigint;
}

/** a pays a strictly better fee rate than b (fee/weight compared by cross-multiplication). */
function higherRate(a: MempoolEntry, b: MempoolEntry): boolean {
  const l = a.tx.tx.body.fee * b.weight;
  const r = b.tx.tx.body.fee * a.weight;
  return l === r ? a.arrival < b.arrival : l > r;
}

/**
 * The part of a sender's run still valid against its account at `height` (the next block's):
 * entries whose sequence is used are dropped, and the run ends before the first expired, stale
 * (waiting more than `ttl` blocks), out-of-sequence or unaffordable entry (nothing after it could
 * apply either).
 */
function liveRun(run: readonly MempoolEntry[], acct: Account, height: bigint, ttl: bigint): MempoolEntry[] {
  const live: MempoolEntry[] = [];
  let funds = acct.balance;
  for (const e of run) {
    const body = e.tx.tx.body;
    if (body.sequence < acct.sequence) continue;
    const expired = (body.expiresAtHeight !== 0n && height > body.expiresAtHeight) || (ttl > 0n && height - e.admittedAt > ttl);
    if (expired || body.sequence !== acct.sequence + BigInt(live.length) || e.spend > funds) break;
    live.push(e);
    funds -= e.spend;
  }
  return live;
}

const runBytes = (run: readonly MempoolEntry[]): number => run.reduce((s, e) => s + e.tx.bytes.length, 0);

/**
 * Concurrency (docs/mempool.md, "Atomic admission"): every method that reads or changes the pool
 * does so in synchronous steps with no await inside, which JavaScript's run-to-completion makes
 * atomic. `add` first decodes and verifies the signature (synchronous CPU work) and reads the
 * chain (parameters, the sender's account) without any lock, so submissions from different
 * senders overlap their I/O; only then does it judge and insert in one synchronous step (`admit`)
 * that re-reads the pool. No lock, per pool or per sender, is held across the reads: it would
 * serialize I/O, while only the check-then-insert step must not interleave, and that step is
 * short (the sender's run, plus a scan of other senders' tails when the pool is full).
 */
export class Mempool {
  private readonly byId = new Map<string, MempoolEntry>();
  /** Each sender's run in sequence order; arrays are never mutated, only replaced by `setRun`. */
  private readonly bySender = new Map<string, readonly MempoolEntry[]>();
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

  /** The decoded, signature-checked transaction with this hash, if pending here. */
  get(hash: Uint8Array): Tx | undefined {
    return this.byId.get(toHex(hash))?.tx;
  }

  entries(): MempoolEntry[] {
    return [...this.byId.values()].sort((a, b) => (higherRate(a, b) ? -1 : 1));
  }

  /**
   * Admits raw transaction bytes or throws a QuarryError with a stable code; changes nothing on
   * error. Every refusal that needs no signature (a duplicate, a full pool, the sender's sequence,
   * queue and funds) comes before the signature check, which is the last step before insertion:
   * under a flood those refusals are most of what arrives (docs/mempool.md).
   */
  async add(bytes: Uint8Array): Promise<Tx> {
    const unverified = decodeTxUnverified(bytes, Number((await this.chain.params()).maxTxBytes));
    const id = toHex(unverified.hash);
    this.refuseDuplicate(id); // spares the reads for gossip repeats; `admit` decides
    this.refuseIfFullFor(unverified);
    const { height, value } = await this.atHead(() => Promise.all([this.chain.params(), getAccount(this.chain.state(), unverified.sender)]));
    this.admit(unverified, id, value[0], value[1], height);
    return unverified;
  }

  /**
   * Runs chain reads, repeating them if a block commits meanwhile, so `admit` and `recheck` never
   * judge by an account older than the head (a block takes far longer than a read, so this ends).
   */
  private async atHead<T>(read: () => Promise<T>): Promise<{ height: bigint; value: T }> {
    for (;;) {
      const height = this.chain.nextHeight();
      const value = await read();
      if (this.chain.nextHeight() === height) return { height, value };
    }
  }

  /**
   * E_MEMPOOL_FULL, early, when the pool is at a cap and no other sender's tail entry pays a lower
   * fee rate than `tx` (so nothing could be evicted for it). Judged per transaction weight only:
   * `admit` re-checks exactly with the sender's run.
   */
  private refuseIfFullFor(tx: Tx): void {
    if (this.byId.size < this.config.maxTxs && this.totalBytes + tx.bytes.length <= this.config.maxBytes) return;
    const probe: MempoolEntry = { tx, id: '', weight: txWeight(tx), spend: 0n, arrival: this.arrivals, admittedAt: 0n };
    const senderId = toHex(tx.sender);
    for (const [sender, run] of this.bySender) if (sender !== senderId && higherRate(probe, run[run.length - 1]!)) return;
    throw this.fullError();
  }

  private fullError(): QuarryError {
    return new QuarryError('E_MEMPOOL_FULL', `mempool is full (${this.byId.size} transactions, ${this.totalBytes} bytes) and the fee rate is too low to evict anything`);
  }

  private refuseDuplicate(id: string): void {
    if (this.byId.has(id)) throw new QuarryError('E_DUPLICATE', 'transaction is already in the mempool');
  }

  /**
   * The atomic admission step (synchronous): every check against the pool, the signature, then the
   * insertion. `tx` is decoded but not yet signature-checked.
   */
  private admit(tx: Tx, id: string, params: ChainParams, acct: Account, height: bigint): void {
    this.refuseDuplicate(id);
    checkTxStatic(tx, this.chain.chainId, height, params);
    const entry: MempoolEntry = { tx, id, weight: txWeight(tx), spend: maxSpend(tx), arrival: this.arrivals, admittedAt: height };
    const senderId = toHex(tx.sender);
    // judged against the run as the account now stands: entries whose sequence a block used since
    // the last recheck do not count (and leave with this insertion)
    const run = liveRun(this.bySender.get(senderId) ?? [], acct, height, BigInt(this.config.ttlBlocks));
    const seq = tx.tx.body.sequence;
    if (seq < acct.sequence) throw new QuarryError('E_SEQUENCE', `sequence ${seq} was already used (next is ${acct.sequence})`);
    const position = Number(seq - acct.sequence);
    if (position > run.length) throw new QuarryError('E_SEQUENCE', `sequence ${seq} leaves a gap (next acceptable is ${acct.sequence + BigInt(run.length)})`);
    const replacing = run[position];
    if (replacing) this.checkReplacement(replacing, entry);
    else if (run.length >= this.config.maxPerSender) throw new QuarryError('E_SENDER_LIMIT', `sender already has ${run.length} pending transactions (limit ${this.config.maxPerSender})`);
    const next = [...run];
    next[position] = entry;
    const needed = next.reduce((s, e) => s + e.spend, 0n);
    if (needed > acct.balance) throw new QuarryError('E_INSUFFICIENT_FUNDS', `pending transactions need ${needed} uqry, the account holds ${acct.balance}`);
    checkTxSignature(tx);
    for (const victim of this.evictionsFor(entry, senderId, next)) this.truncateAt(victim);
    this.setRun(senderId, next);
    this.arrivals += 1;
  }

  private checkReplacement(old: MempoolEntry, entry: MempoolEntry): void {
    const oldFee = old.tx.tx.body.fee;
    const minFee = (oldFee * BigInt(100 + this.config.rbfBumpPercent) + 99n) / 100n;
    if (entry.tx.tx.body.fee < minFee) {
      throw new QuarryError('E_FEE_TOO_LOW', `replacing a pending transaction needs a fee of at least ${minFee} uqry (${this.config.rbfBumpPercent}% above ${oldFee})`);
    }
  }

  /**
   * The worse-paying tail entries of other senders to evict, last first, so that `next` can
   * become the sender's run within the caps; throws E_MEMPOOL_FULL if that is not enough.
   */
  private evictionsFor(entry: MempoolEntry, senderId: string, next: readonly MempoolEntry[]): MempoolEntry[] {
    const own = this.bySender.get(senderId) ?? [];
    let count = this.byId.size - own.length + next.length;
    let bytes = this.totalBytes - runBytes(own) + runBytes(next);
    const tails = new Map<string, number>();
    for (const [sender, run] of this.bySender) if (sender !== senderId) tails.set(sender, run.length - 1);
    const victims: MempoolEntry[] = [];
    while (count > this.config.maxTxs || bytes > this.config.maxBytes) {
      let worst: { sender: string; e: MempoolEntry } | undefined;
      for (const [sender, at] of tails) {
        const e = this.bySender.get(sender)![at];
        if (e && (!worst || higherRate(worst.e, e))) worst = { sender, e };
      }
      if (!worst || !higherRate(entry, worst.e)) {
        throw this.fullError();
      }
      victims.push(worst.e);
      tails.set(worst.sender, tails.get(worst.sender)! - 1);
      count -= 1;
      bytes -= worst.e.tx.bytes.length;
    }
    return victims;
  }

  /**
   * The one place entries enter or leave: the id index and the byte count change together with
   * the run, so neither can drift from what the runs hold.
   */
  private setRun(senderId: string, run: readonly MempoolEntry[]): void {
    for (const e of this.bySender.get(senderId) ?? []) {
      this.byId.delete(e.id);
      this.totalBytes -= e.tx.bytes.length;
    }
    for (const e of run) {
      this.byId.set(e.id, e);
      this.totalBytes += e.tx.bytes.length;
    }
    if (run.length === 0) this.bySender.delete(senderId);
    else this.bySender.set(senderId, run);
  }

  /** Removes `e` and its sender's later sequences, which can no longer apply without it. */
  private truncateAt(e: MempoolEntry): void {
    const senderId = toHex(e.tx.sender);
    const run = this.bySender.get(senderId) ?? [];
    const at = run.indexOf(e);
    if (at >= 0) this.setRun(senderId, run.slice(0, at));
  }

  /** Transactions for the next block: per-sender order, highest fee rate first, within limits. */
  reap(limits: BlockLimits): Tx[] {
    const heap = new Heap<{ entry: MempoolEntry; run: readonly MempoolEntry[]; index: number }>((a, b) => higherRate(a.entry, b.entry));
    for (const run of this.bySender.values()) heap.push({ entry: run[0]!, run, index: 0 });
    const out: Tx[] = [];
    let bytes = 0;
    let weight = 0n;
    while (heap.size > 0 && out.length < limits.maxTxs) {
      const top = heap.pop()!;
      const size = top.entry.tx.bytes.length;
      // this sender's run stops here; others may still fit
      if (bytes + size > limits.maxBytes || weight + top.entry.weight > limits.maxWeight) continue;
      out.push(top.entry.tx);
      bytes += size;
      weight += top.entry.weight;
      const next = top.run[top.index + 1];
      if (next) heap.push({ entry: next, run: top.run, index: top.index + 1 });
    }
    return out;
  }

  /** Drops specific transactions (refused by the block builder) and their senders' later sequences. */
  removeTxs(txs: Tx[]): void {
    for (const tx of txs) {
      const e = this.byId.get(toHex(tx.hash));
      if (e) this.truncateAt(e);
    }
  }

  /**
   * Re-checks every sender against the new head (`liveRun`). Each sender's run is re-read after
   * its account, in one synchronous step, so admissions interleaving with the recheck are judged
   * too. Returns how many entries it dropped.
   */
  async recheck(): Promise<number> {
    let dropped = 0;
    for (const sender of [...this.bySender.values()].map((run) => run[0]!.tx.sender)) {
      const { height, value: acct } = await this.atHead(() => getAccount(this.chain.state(), sender));
      const senderId = toHex(sender);
      const run = this.bySender.get(senderId) ?? [];
      const live = liveRun(run, acct, height, BigInt(this.config.ttlBlocks));
      dropped += run.length - live.length;
      if (live.length !== run.length) this.setRun(senderId, live);
    }
    return dropped;
  }
}
