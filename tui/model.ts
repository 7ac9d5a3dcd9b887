/**
 * The dashboard's data model, pure: what the panes show, built from RPC snapshots and the event
 * stream by small functions the tests drive directly. No I/O here (the feed in feed.ts does that).
 */
import type { ActiveSetJson, ChainEventJson, CommitJson, EpochInfo, MarketAsk, MarketRequest, MarketTotals, MempoolInfo, NetInfo, PuzzleState, StakingValidator, Status } from '../protocol/rpc-types.ts';

/** Written into the home directory by `quarry node mine` each second; the dashboard reads it. */
export const MINER_STATS_FILE = 'miner-stats.json';

export interface MinerStatsFile {
  address: string;
  connected: boolean;
  proofsPerSecond: number;
  /** Per worker thread; absent in files from miners before the operator view (as are the two below). */
  threadProofsPerSecond?: number[];
  lastSolutionAt?: number | null;
  /** When this miner process started (ms), for its earnings rate before the dashboard has watched long. */
  startedAt?: number;
  proofs: number;
  found: number;
  accepted: number;
  paid: number;
  earned: string;
  market: { busy: string | null; locked: number; fulfilled: number; failed: number; unprovable?: number; earned: string } | null;
  updatedAt: number;
}

export interface MarketEvent {
  event: string;
  request: string;
  prover: string;
  amount: string;
  height: string;
}

/** A (time, own height, best peer height) sample per poll, for the catch-up rate (tui/operator.ts). */
export interface HeightSample {
  at: number;
  height: bigint;
  best: bigint;
}

/** The miner's total earnings (mining and market) at a moment, sampled from its stats file. */
export interface EarningSample {
  at: number;
  earned: bigint;
}

export interface DashboardModel {
  url: string;
  connected: boolean;
  /** Wall-clock ms when the node was last reached (for "reconnecting for 12 s"). */
  lastContact: number | null;
  status: Status | null;
  /** Recent blocks' header times (ms), oldest first. */
  blockTimes: Array<{ height: bigint; time: number }>;
  validators: StakingValidator[];
  mempool: MempoolInfo | null;
  puzzle: PuzzleState | null;
  /** Paid solutions seen on the stream: height, prover, reward. */
  solutions: Array<{ height: bigint; address: string; reward: bigint; at: number }>;
  openRequests: MarketRequest[];
  asks: MarketAsk[];
  /** GET /market/totals: the market since genesis (null from a node without the route). */
  marketTotals: MarketTotals | null;
  marketEvents: MarketEvent[];
  net: NetInfo | null;
  miner: MinerStatsFile | null;
  /** GET /validators: powers and proposer priorities, for the next proposer turn. */
  activeSet: ActiveSetJson | null;
  /** GET /params' staking part (downtime window and jail threshold). */
  stakingParams: Record<string, string> | null;
  /** The head block's lastCommit (who signed the block before it), fetched while this node has a validator. */
  lastCommit: CommitJson | null;
  epoch: EpochInfo | null;
  heightSamples: HeightSample[];
  minerEarnings: EarningSample[];
  /** The miner's account balance (uqry), GET /accounts/:address. */
  minerBalance: string | null;
}

const KEEP_BLOCKS = 60;
const KEEP_SOLUTIONS = 500;
const KEEP_MARKET_EVENTS = 50;

export function emptyModel(url: string): DashboardModel {
  return { url, connected: false, lastContact: null, status: null, blockTimes: [], validators: [], mempool: null, puzzle: null, solutions: [], openRequests: [], asks: [], marketTotals: null, marketEvents: [], net: null, miner: null, activeSet: null, stakingParams: null, lastCommit: null, epoch: null, heightSamples: [], minerEarnings: [], minerBalance: null };
}

/** Folds one event from the stream into the model. */
export function applyEvent(m: DashboardModel, e: ChainEventJson, now: number): DashboardModel {
  if (e.type === 'block') {
    const height = BigInt(e.height);
    if (m.blockTimes.some((b) => b.height === height)) return m;
    const blockTimes = [...m.blockTimes, { height, time: Number(e.time) }].sort((a, b) => (a.height < b.height ? -1 : 1)).slice(-KEEP_BLOCKS);
    const status = m.status && BigInt(m.status.height) < height ? { ...m.status, height: e.height, latestBlockTime: e.time, latestBlockHash: e.hash } : m.status;
    return { ...m, blockTimes, status };
  }
  if (e.type === 'solution') return { ...m, solutions: [...m.solutions, { height: BigInt(e.height), address: e.address, reward: BigInt(e.reward), at: now }].slice(-KEEP_SOLUTIONS) };
  if (e.type === 'market' && /^market-(fill|slash|lock|relist|expired)$/.test(e.event)) {
    const ev: MarketEvent = { event: e.event.slice('market-'.length), request: String(e.request ?? ''), prover: String(e.prover ?? ''), amount: String(e.price ?? e.amount ?? e.refund ?? ''), height: e.height };
    return { ...m, marketEvents: [...m.marketEvents, ev].slice(-KEEP_MARKET_EVENTS) };
  }
  return m;
}

/** Milliseconds between consecutive blocks, oldest first. */
export function blockIntervals(m: DashboardModel): number[] {
  return m.blockTimes.slice(1).map((b, i) => b.time - m.blockTimes[i]!.time);
}

const BARS = '▁▂▃▄▅▆▇█';

/** A unicode sparkline of the last `width` values scaled to their maximum. */
export function sparkline(values: number[], width: number): string {
  const v = values.slice(-width);
  const max = Math.max(1, ...v);
  return v.map((x) => BARS[Math.min(BARS.length - 1, Math.floor((x / max) * (BARS.length - 1)))]).join('');
}

/** Fee rates (uqry per weight unit) at the cheapest, median and best mempool entries. */
export function feeLevels(mp: MempoolInfo | null): { low: number; median: number; high: number } | null {
  if (!mp || mp.entries.length === 0) return null;
  const rates = mp.entries.map((e) => Number(BigInt(e.fee)) / Math.max(1, Number(BigInt(e.weight)))).sort((a, b) => a - b);
  return { low: rates[0]!, median: rates[rates.length >> 1]!, high: rates[rates.length - 1]! };
}

/**
 * Network proving speed estimated from paid solutions: each solution takes about proofTarget
 * proofs on average (docs/puzzle.md §targets), over the window the stream has covered.
 */
export function networkProofsPerSecond(m: DashboardModel, now: number, windowMs = 120_000): number | null {
  if (!m.puzzle) return null;
  const recent = m.solutions.filter((s) => s.at >= now - windowMs);
  if (recent.length === 0) return 0;
  const span = Math.max(10_000, now - Math.min(...recent.map((s) => s.at)));
  return (recent.length * Number(m.puzzle.proofTarget) * 1000) / span;
}

/** Solutions per block over the blocks the model has seen. */
export function solutionsPerBlock(m: DashboardModel): number {
  if (m.blockTimes.length === 0) return 0;
  const first = m.blockTimes[0]!.height;
  return m.solutions.filter((s) => s.height >= first).length / m.blockTimes.length;
}

export function topProvers(m: DashboardModel, n: number): Array<{ address: string; solutions: number; reward: bigint }> {
  const by = new Map<string, { address: string; solutions: number; reward: bigint }>();
  for (const s of m.solutions) {
    const p = by.get(s.address) ?? { address: s.address, solutions: 0, reward: 0n };
    p.solutions++;
    p.reward += s.reward;
    by.set(s.address, p);
  }
  return [...by.values()].sort((a, b) => b.solutions - a.solutions || (a.address < b.address ? -1 : 1)).slice(0, n);
}

/** `qry1abcd…wxyz` */
export function shortAddress(a: string, keep = 6): string {
  return a.length <= 2 * keep + 5 ? a : `${a.slice(0, keep + 4)}…${a.slice(-keep)}`;
}

/** No block for this long (and at least ten typical intervals) means the chain has stalled. */
const STALL_MS = 10_000;
/** Further behind the best peer than this is "falling behind". */
const BEHIND_BLOCKS = 5n;

/** What an operator must see at once: jailed validators, a stalled chain, falling behind, a failing miner. */
export function alerts(m: DashboardModel, now: number): string[] {
  const out: string[] = [];
  const jailed = m.validators.filter((v) => v.jailed);
  if (jailed.length > 0) out.push(`${jailed.length} validator(s) jailed: ${jailed.map((v) => v.moniker || v.operator.slice(0, 12)).join(', ')}`);
  const last = m.blockTimes.at(-1);
  const intervals = blockIntervals(m).sort((a, b) => a - b);
  const typical = intervals[Math.floor(intervals.length / 2)] ?? 1000;
  if (m.connected && last && now - last.time > Math.max(STALL_MS, 10 * typical)) out.push(`chain stalled: no block for ${Math.round((now - last.time) / 1000)} s`);
  if (m.net && m.status) {
    const behind = BigInt(m.net.bestKnownHeight) - BigInt(m.status.height);
    if (behind > BEHIND_BLOCKS) out.push(`falling behind: ${behind} blocks under the best peer`);
  }
  const failed = m.miner?.market?.failed ?? 0;
  if (failed > 0) out.push(`miner: ${failed} market proof(s) failed`);
  return out;
}
