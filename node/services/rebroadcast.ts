/**
 * Re-gossips transactions that wait too long in the mempool (docs/mempool.md §rebroadcast).
 * Gossip hands a transaction once to the peers connected when it was published, and its
 * seen-cache drops a republish for two minutes; a transaction only this node holds (it arrived
 * while its peers were cut off, or they refused it under load) would otherwise wait for this node
 * to propose, which a full node or a jailed validator never does: the hour soak lost five such
 * transactions. Bounded: a transaction is republished at most once per `afterMs`, and at most
 * `perTick` (16) per 30 s tick, best fee rate first: a peer that refuses a transaction charges one
 * penalty point, and points fade at one a second, so even if every republish were refused the
 * rebroadcast alone could never get an honest node banned.
 */
import type { MempoolEntry } from '../mempool/mempool.ts';

export interface RebroadcastOptions {
  entries: () => MempoolEntry[];
  publish: (bytes: Uint8Array) => Promise<void>;
  now?: () => number;
  everyMs?: number;
  /** Longer than gossipsub's two-minute seen-cache, so peers take the republish. */
  afterMs?: number;
  perTick?: number;
}

export class Rebroadcaster {
  /** When each pending transaction was first seen here or last republished. */
  private readonly since = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  republished = 0;

  constructor(private readonly o: RebroadcastOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.everyMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass: republishes what has waited `afterMs` since it was seen or last republished. */
  async tick(): Promise<number> {
    const now = (this.o.now ?? Date.now)();
    const after = this.o.afterMs ?? 150_000;
    const entries = this.o.entries();
    const pending = new Set(entries.map((e) => e.id));
    for (const id of this.since.keys()) if (!pending.has(id)) this.since.delete(id);
    let sent = 0;
    for (const e of entries) {
      const seen = this.since.get(e.id);
      if (seen === undefined) this.since.set(e.id, now);
      else if (now - seen >= after && sent < (this.o.perTick ?? 16)) {
        this.since.set(e.id, now);
        await this.o.publish(e.tx.bytes);
        sent++;
      }
    }
    this.republished += sent;
    return sent;
  }
}
