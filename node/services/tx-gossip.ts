/**
 * Batches the transactions this node gossips (docs/p2p.md §transaction gossip): those submitted
 * here by RPC and those the rebroadcaster republishes. One gossip message per transaction cost
 * every receiver its framing, encryption, socket write and gossipsub bookkeeping per transaction,
 * more than the mempool admission itself under load; a batch pays them once. Order is kept:
 * a sender's transactions leave in the order they were admitted here.
 */
import { encode } from '../../protocol/encoding/cbor.ts';
import { GOSSIP_BATCH_MAX_BYTES, MAX_GOSSIP_BATCH_TXS } from '../p2p/messages.ts';

/** How long a transaction may wait for others to share its gossip message. */
export const TX_GOSSIP_FLUSH_MS = 20;
/** CBOR framing per batch and per transaction, kept out of the byte budget. */
const FRAMING_BYTES = 16;

/** Where batches go: the node's gossip (absent when p2p is off or not started). */
export interface TxPublisher {
  publish(topic: 'txs', data: Uint8Array): Promise<unknown>;
}

export class TxGossip {
  private batch: Uint8Array[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly gossip: () => TxPublisher | null,
    private readonly flushMs = TX_GOSSIP_FLUSH_MS,
  ) {}

  /** Queues one transaction's bytes; the batch leaves within `flushMs`, or at once when full. */
  add(tx: Uint8Array): void {
    if (this.bytes + tx.length + FRAMING_BYTES > GOSSIP_BATCH_MAX_BYTES) this.flush();
    this.batch.push(tx);
    this.bytes += tx.length + FRAMING_BYTES;
    if (this.batch.length >= MAX_GOSSIP_BATCH_TXS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Publishes what is queued (also on shutdown, so nothing submitted is held back). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.bytes = 0;
    void this.gossip()?.publish('txs', encode(batch));
  }
}
