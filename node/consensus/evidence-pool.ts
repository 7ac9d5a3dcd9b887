/**
 * Pending double-sign evidence: from this node's own vote keeper or from peers, waiting for a
 * proposer to include it. Entries are keyed by evidence id; the chain's checks decide validity
 * when a block is built, so the pool only bounds size and forgets what a block included.
 */
import { toHex } from '../../protocol/encoding/bytes.ts';
import { evidenceId, type Evidence } from '../../consensus/evidence.ts';

export class EvidencePool {
  private readonly pending = new Map<string, Evidence>();
  constructor(private readonly max = 256) {}

  get size(): number {
    return this.pending.size;
  }

  /** Returns false when the evidence was already known. */
  add(e: Evidence): boolean {
    const id = toHex(evidenceId(e));
    if (this.pending.has(id) || this.pending.size >= this.max) return false;
    this.pending.set(id, e);
    return true;
  }

  reap(max: number): Evidence[] {
    return [...this.pending.values()].slice(0, max);
  }

  remove(items: Evidence[]): void {
    for (const e of items) this.pending.delete(toHex(evidenceId(e)));
  }

  /** Drops evidence older than `minHeight` (it can no longer be included). */
  prune(minHeight: bigint): void {
    for (const [id, e] of this.pending) if (e.first.height < minHeight) this.pending.delete(id);
  }
}
