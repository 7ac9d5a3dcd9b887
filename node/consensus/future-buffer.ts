/**
 * Consensus messages for a height this node has not started (docs/consensus.md §future messages),
 * kept with the peer they came from until their height starts, when they are verified. Only the
 * next heights are kept: a peer could otherwise fill the buffer with junk for far-future heights
 * that is never evicted. Each peer gets its own share, so one peer cannot crowd out the others'
 * honest votes.
 */
import type { ConsensusGossip } from '../p2p/messages.ts';

const MAX_BUFFERED = 1024;
const MAX_BUFFERED_PER_PEER = 256;

export interface Buffered {
  height: bigint;
  msg: ConsensusGossip;
  from: string;
}

export class FutureBuffer {
  private future: Buffered[] = [];
  private readonly byPeer = new Map<string, number>();

  get size(): number {
    return this.future.length;
  }

  /** Keeps `msg` if its height is at most `maxHeight` and its peer's share and the total allow. */
  add(height: bigint, msg: ConsensusGossip, from: string, maxHeight: bigint): void {
    const held = this.byPeer.get(from) ?? 0;
    if (height > maxHeight || held >= MAX_BUFFERED_PER_PEER || this.future.length >= MAX_BUFFERED) return;
    this.future.push({ height, msg, from });
    this.byPeer.set(from, held + 1);
  }

  /** Removes and returns the messages of `height`; older ones are dropped, later ones kept. */
  take(height: bigint): Buffered[] {
    const now = this.future.filter((f) => f.height === height);
    this.future = this.future.filter((f) => f.height > height);
    this.byPeer.clear();
    for (const f of this.future) this.byPeer.set(f.from, (this.byPeer.get(f.from) ?? 0) + 1);
    return now;
  }
}
