/**
 * Consensus before admission (docs/mempool.md §consensus first). A validator shares one event loop
 * between its consensus round and the transactions arriving by RPC and gossip. Under a flood,
 * admissions (decode, signature, account read each) interleave with every await of a block's
 * execution, so building or verifying a one-transaction block took seconds, rounds timed out and
 * the chain committed less the more it was offered. So while this node executes or commits a
 * block, admissions wait here, in arrival order; once too many wait, the next is refused with
 * E_BUSY (a client retries, a peer's gossip is ignored and the transaction's origin republishes it).
 */
import { QuarryError } from '../../protocol/errors.ts';

/** Admissions that may wait for one block's work before new ones are refused. */
export const MAX_WAITING_ADMISSIONS = 2_000;

export class AdmissionGate {
  private holds = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly maxWaiting = MAX_WAITING_ADMISSIONS) {}

  /** Runs block work (execution, commit) with admissions held until it, and any overlapping work, ends. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.holds++;
    try {
      return await work();
    } finally {
      if (--this.holds === 0) for (const resume of this.waiting.splice(0)) resume();
    }
  }

  /** Resolves when an admission may run; E_BUSY when the queue of waiting admissions is full. */
  async pass(): Promise<void> {
    if (this.holds === 0) return;
    if (this.waiting.length >= this.maxWaiting) throw new QuarryError('E_BUSY', `node is busy with a block and ${this.waiting.length} transactions wait for admission; retry shortly`);
    await new Promise<void>((resume) => this.waiting.push(resume));
  }

  /** Admissions waiting now (metrics, tests). */
  get waitingCount(): number {
    return this.waiting.length;
  }
}
