/**
 * The dashboard's data feed (the adapter around the pure model): polls the node's RPC every
 * second, follows the event stream, reads a local miner's stats file, and notices when the node
 * goes away (the model's `connected` flag) and when it comes back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { QuarryClient, type Subscription } from '../client/quarry-client.ts';
import type { ActiveSetJson, BlockJson, EpochInfo, ParamsResponse } from '../protocol/rpc-types.ts';
import { applyEvent, emptyModel, type DashboardModel, type MinerStatsFile } from './model.ts';
import { recordEarnings, recordHeight } from './operator.ts';

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
  /** The head height whose lastCommit the model holds (the event stream moves status.height, so it cannot tell). */
  private commitOf: string | null = null;

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
      const [status, validators, mempool, puzzle, openRequests, asks, net, marketTotals] = await Promise.all([
        c.getStatus(),
        c.getValidators(),
        c.getMempool(),
        c.getPuzzle(),
        c.getMarketRequests({ limit: 200 }),
        c.getAsks(),
        c.getNetInfo(),
        c.getMarketTotals().catch(() => null),
      ]);
      const operator = await this.pollOperator(status.height, status.validatorAddress ?? null);
      const firstContact = !this.model.connected;
      const now = Date.now();
      const heightSamples = recordHeight(this.model.heightSamples, { at: now, height: BigInt(status.height), best: BigInt(net.bestKnownHeight) });
      this.set({ ...this.withMiner(this.model), ...operator, connected: true, lastContact: now, status, validators, mempool, puzzle, openRequests, asks, net, marketTotals, heightSamples });
      if (firstContact) await this.backfill(BigInt(status.height));
    } catch {
      if (this.model.connected || this.model.lastContact === null) this.set({ ...this.withMiner(this.model), connected: false });
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), this.o.pollMs ?? 1000);
  }

  /**
   * What the operator's view adds: the active set's priorities, staking params, epoch-proof state,
   * the head's lastCommit (only for a validator, and only when the head moved: blocks can be large)
   * and the miner's balance. Each may fail alone (an older node lacks a route) without the node
   * counting as away.
   */
  private async pollOperator(height: string, validatorAddress: string | null): Promise<Pick<DashboardModel, 'activeSet' | 'stakingParams' | 'epoch' | 'lastCommit' | 'minerBalance'>> {
    const get = <T>(path: string) => this.client.rpc.get<T>(path).catch(() => null);
    const m = this.model;
    const commitStale = validatorAddress !== null && this.commitOf !== height;
    const [activeSet, params, epoch, latest, account] = await Promise.all([
      get<ActiveSetJson>('/validators'),
      get<ParamsResponse>('/params'),
      get<EpochInfo>('/epochs/current'),
      commitStale ? get<BlockJson>('/blocks/latest') : null,
      m.miner ? this.client.getAccount(m.miner.address).catch(() => null) : null,
    ]);
    if (latest) this.commitOf = latest.header.height;
    return {
      activeSet: activeSet ?? m.activeSet,
      stakingParams: params?.staking ?? m.stakingParams,
      epoch: epoch ?? m.epoch,
      lastCommit: validatorAddress === null ? null : commitStale ? (latest?.lastCommit ?? m.lastCommit) : m.lastCommit,
      minerBalance: account?.balance ?? (m.miner ? m.minerBalance : null),
    };
  }

  /** The model with the miner's stats file read again and its earnings sampled. */
  private withMiner(m: DashboardModel): DashboardModel {
    const miner = this.readMiner();
    return { ...m, miner, minerEarnings: miner ? recordEarnings(m.minerEarnings, miner) : [] };
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
