/**
 * Copy-on-write views of state for execution. A block executes in an overlay over the committed
 * state; each transaction's messages run in a child overlay that is merged on success and dropped
 * on failure, so a failed message changes nothing but the fee and sequence.
 */
import type { SmtChange } from './smt.ts';

export interface StateReader {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Optional batched read (one storage round trip). */
  getMany?(keys: Uint8Array[]): Promise<Array<Uint8Array | undefined>>;
}

const ABSENT = null;

/**
 * A state key as a map key: its bytes as a latin1 string (a native conversion, ≈ 2× faster than
 * hex here; execution makes several per transaction and overlay level).
 */
export const keyId = (k: Uint8Array): string => Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1');

export class Overlay implements StateReader {
  private readonly writes = new Map<string, SmtChange>();
  /** Memoized reads of the parent; only the block-level overlay sets this (its base is fixed). */
  private readonly reads: Map<string, Uint8Array | typeof ABSENT> | null;

  constructor(private readonly parent: StateReader, opts: { memoize?: boolean } = {}) {
    this.reads = opts.memoize ? new Map() : null;
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const id = keyId(key);
    const w = this.writes.get(id);
    if (w) return w.value ?? undefined;
    if (!this.reads) return this.parent.get(key);
    const memo = this.reads.get(id);
    if (memo !== undefined) return memo ?? undefined;
    const v = await this.parent.get(key);
    this.reads.set(id, v ?? ABSENT);
    return v;
  }

  /** Loads many keys in one round trip into the read memo (a no-op without memoization). */
  async prefetch(keys: Uint8Array[]): Promise<void> {
    if (!this.reads || !this.parent.getMany) return;
    const wanted = keys.filter((k) => !this.reads!.has(keyId(k)));
    const values = await this.parent.getMany(wanted);
    wanted.forEach((k, i) => this.reads!.set(keyId(k), values[i] ?? ABSENT));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.writes.set(keyId(key), { key, value });
  }

  delete(key: Uint8Array): void {
    this.writes.set(keyId(key), { key, value: null });
  }

  child(): Overlay {
    return new Overlay(this);
  }

  /** Moves this overlay's writes into `target` (normally its parent). */
  mergeInto(target: Overlay): void {
    for (const c of this.writes.values()) {
      if (c.value) target.set(c.key, c.value);
      else target.delete(c.key);
    }
  }

  changes(): SmtChange[] {
    return [...this.writes.values()];
  }
}
