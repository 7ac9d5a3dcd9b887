/**
 * Copy-on-write views of state for execution. A block executes in an overlay over the committed
 * state; each transaction's messages run in a child overlay that is merged on success and dropped
 * on failure, so a failed message changes nothing but the fee and sequence.
 */
import { toHex } from '../encoding/bytes.ts';
import type { SmtChange } from './smt.ts';

export interface StateReader {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
}

export class Overlay implements StateReader {
  private readonly writes = new Map<string, SmtChange>();
  constructor(private readonly parent: StateReader) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const w = this.writes.get(toHex(key));
    if (w) return w.value ?? undefined;
    return this.parent.get(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.writes.set(toHex(key), { key, value });
  }

  delete(key: Uint8Array): void {
    this.writes.set(toHex(key), { key, value: null });
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
