/**
 * The dashboard's data feed (the adapter around the pure model): polls the node's RPC every
 * second, follows the event stream, reads a local miner's stats file, and notices when the node
 * goes away (the model's `connected` flag) and when it comes back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { QuarryClient, type Subscription } from '../client/quarry-client.ts';
import { applyEvent, emptyModel, type DashboardModel, type MinerStatsFile } from './model.ts';

export interface FeedOptions {
  pollMs?: number;
  /** `<home>/miner-stats.json`, written by `quarry node mine` (shown while fresh). */
  minerStatsFile?: string;
}

const BACKFILL_BLOCKS = 30;
const MINER_STALE_MS = 30_000;

export class DashboardFeed {
  model: DashboardModel;
  private readonly client: QuarryClient;
  private readonly listeners = new Set<(m: DashboardModel) => void>();
  private timer: NodeJS.Timeout | null = null;
  private sub: Subscription | null = null;
  private stopped = false;

  constructor(url: string, private readonly o: FeedOptions = {}) {
    this.client = QuarryClient.lazy(url, { timeoutMs: 3_000 });
    this.model = emptyModel(url);
  }

  onChange(listener: (m: DashboardModel) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(m: DashboardModel): void {
    this.model = m;
    for (const l of this.listeners) l(m);
  }

  start(): void {
    this.sub = this.client.subscribe(['block', 'solution', 'market'], (e) => this.set(applyEvent(this.model, e, Date.now())));
    void this.poll();
  }

  private async poll(): Promise<void> {
    try {
      const c = this.client;
      const [status, validators, mempool, puzzle, openRequests, asks, net] = await Promise.all([
        c.getStatus(),
        c.getValidators(),
        c.getMempool(),
        c.getPuzzle(),
        c.getMarketRequests({ limit: 200 }),
        c.getAsks(),
        c.getNetInfo(),
      ]);
      const firstContact = !this.model.connected;
      this.set({ ...this.model, connected: true, lastContact: Date.now(), status, validators, mempool, puzzle, openRequests, asks, net, miner: this.readMiner() });
      if (firstContact) await this.backfill(BigInt(status.height));
    } catch {
      if (this.model.connected || this.model.lastContact === null) this.set({ ...this.model, connected: false, miner: this.readMiner() });
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), this.o.pollMs ?? 1000);
  }

  /** Recent block times for the interval sparkline (the stream only brings new ones). */
  private async backfill(head: bigint): Promise<void> {
    const from = head > BigInt(BACKFILL_BLOCKS) ? head - BigInt(BACKFILL_BLOCKS) + 1n : 1n;
    const heights = [];
    for (let h = from; h <= head; h++) heights.push(h);
    const blocks = await Promise.all(heights.map((h) => this.client.getBlock(h).catch(() => null)));
    let m = this.model;
    for (const b of blocks) if (b) m = applyEvent(m, { type: 'block', height: b.header.height, hash: b.hash, time: b.header.time, txs: b.txs.length, proposer: b.header.proposer }, Date.now());
    this.set(m);
  }

  private readMiner(): MinerStatsFile | null {
    const f = this.o.minerStatsFile;
    if (!f || !existsSync(f)) return null;
    try {
      const s = JSON.parse(readFileSync(f, 'utf8')) as MinerStatsFile;
      return Date.now() - s.updatedAt < MINER_STALE_MS ? s : null;
    } catch {
      return null; // being rewritten; next poll
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.sub?.close();
  }
}
