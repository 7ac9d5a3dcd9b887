/**
 * Pending handoff signatures (docs/epochs.md §handoff): this validator's own and peers', waiting
 * for a proposer to carry them into a block. After each block the pool forgets what state already
 * holds and every epoch whose handoff is complete.
 */
import type { StateReader } from '../state/view.ts';
import { getHandoff } from '../modules/epoch/state.ts';
import type { HandoffSignature } from '../modules/epoch/handoff.ts';

export class HandoffPool {
  private readonly pending = new Map<string, HandoffSignature>();
  constructor(private readonly max = 1024) {}

  get size(): number {
    return this.pending.size;
  }

  /** Returns false when already pending (or the pool is full). */
  add(h: HandoffSignature): boolean {
    const id = `${h.epoch}/${h.index}`;
    if (this.pending.has(id) || this.pending.size >= this.max) return false;
    this.pending.set(id, h);
    return true;
  }

  reap(max: number): HandoffSignature[] {
    return [...this.pending.values()].slice(0, max);
  }

  async prune(state: StateReader): Promise<void> {
    for (const [id, h] of this.pending) {
      const rec = await getHandoff(state, h.epoch);
      if (rec.complete || rec.signatures.some((s) => s.index === h.index)) this.pending.delete(id);
    }
  }
}
