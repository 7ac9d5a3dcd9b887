/**
 * The operator's view of the dashboard, pure like model.ts: this node's own validator (signing,
 * missed blocks against the jail threshold, next proposer turn), sync state with an ETA, stale
 * data, epoch-proof lag and the local miner's earnings rate. The feed samples; these functions read.
 */
import { fromHex } from '../protocol/encoding/bytes.ts';
import { blocksUntilProposer } from '../protocol/proposer.ts';
import type { ActiveSetJson, CommitJson, EpochInfo, StakingValidator } from '../protocol/rpc-types.ts';
import type { DashboardModel, EarningSample, HeightSample, MinerStatsFile } from './model.ts';

/** How long the data on screen has been stale (ms): only while the node is away after it answered once. */
export function staleAge(m: DashboardModel, now: number): number | null {
  return m.connected || m.lastContact === null ? null : Math.max(0, now - m.lastContact);
}

/** Whether validator `index` signed the commit (its bit in the signer bitmap). */
export function signedCommit(commit: CommitJson, index: number): boolean {
  const bitmap = fromHex(commit.signers);
  return ((bitmap[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
}

/** Blocks until `address` proposes at round 0 (0: the next block), by the chain's round robin over the active set. */
export function nextProposerTurn(set: ActiveSetJson | null, address: string): number | null {
  const index = set?.validators.findIndex((v) => v.address === address) ?? -1;
  if (!set || index < 0) return null;
  return blocksUntilProposer(set.validators.map((v) => BigInt(v.power)), set.validators.map((v) => BigInt(v.proposerPriority)), index);
}

export interface OwnValidator {
  address: string;
  /** The staking record (null until /staking/validators lists it). */
  info: StakingValidator | null;
  /** Missed blocks in the window, the count that jails, and the window length (null without /params). */
  missed: { count: number; max: number | null; window: number | null } | null;
  /** Whether it signed the block before the head (its bit in the head's lastCommit); null when unknown. */
  signedLast: boolean | null;
  nextTurn: number | null;
}

/** This node's validator as /status names it, or null for a full node (or an old node that does not say). */
export function ownValidator(m: DashboardModel): OwnValidator | null {
  const address = m.status?.validatorAddress;
  if (!address) return null;
  const info = m.validators.find((v) => v.operator === address) ?? null;
  const index = m.activeSet?.validators.findIndex((v) => v.address === address) ?? -1;
  const param = (k: string) => (m.stakingParams?.[k] === undefined ? null : Number(m.stakingParams[k]));
  // the head's lastCommit is signed by the set of the height before; rotations are rare, and the set is by then the same
  const signedLast = m.lastCommit && index >= 0 ? signedCommit(m.lastCommit, index) : null;
  return {
    address,
    info,
    missed: info ? { count: Number(info.missedBlocks), max: param('downtimeMaxMissed'), window: param('downtimeWindow') } : null,
    signedLast,
    nextTurn: nextProposerTurn(m.activeSet, address),
  };
}

const SYNC_WINDOW_MS = 30_000;

/** Appends a sample and forgets those older than the rate window. */
export function recordHeight(samples: HeightSample[], s: HeightSample): HeightSample[] {
  return [...samples.filter((x) => x.at >= s.at - SYNC_WINDOW_MS), s];
}

export interface SyncState {
  catchingUp: boolean;
  /** Blocks behind the best peer. */
  lag: bigint;
  /** Time to close the lag at the rate it closed over the window; null when it is not closing. */
  etaMs: number | null;
}

/** In sync (at most a block behind, the one being finished) or catching up, with an ETA from the observed rate. */
export function syncState(samples: HeightSample[]): SyncState | null {
  const last = samples.at(-1);
  if (!last) return null;
  const lagOf = (s: HeightSample) => (s.best > s.height ? s.best - s.height : 0n);
  const lag = lagOf(last);
  if (lag <= 1n) return { catchingUp: false, lag, etaMs: null };
  const first = samples[0]!;
  const closed = Number(lagOf(first) - lag);
  const span = last.at - first.at;
  return { catchingUp: true, lag, etaMs: closed > 0 && span > 0 ? (Number(lag) * span) / closed : null };
}

/** Epochs the latest stored epoch proof is behind the current epoch (every epoch, genesis's included, when none is). */
export function epochProofLag(e: EpochInfo | null): number | null {
  if (!e) return null;
  return Number(BigInt(e.epoch) - (e.provenEpoch === null ? -1n : BigInt(e.provenEpoch)));
}

const EARNINGS_WINDOW_MS = 3_600_000;
/** Below this much watching, the rate since the miner started is the better estimate. */
const MIN_WATCH_MS = 300_000;

export function minerEarned(s: MinerStatsFile): bigint {
  return BigInt(s.earned) + BigInt(s.market?.earned ?? 0);
}

/** Adds a sample from a fresh stats file; a drop in earnings means the miner restarted, so the history starts over. */
export function recordEarnings(samples: EarningSample[], s: MinerStatsFile): EarningSample[] {
  const last = samples.at(-1);
  const sample = { at: s.updatedAt, earned: minerEarned(s) };
  if (last && last.at === sample.at) return samples;
  if (last && sample.earned < last.earned) return [sample];
  return [...samples.filter((x) => x.at >= sample.at - EARNINGS_WINDOW_MS), sample];
}

/**
 * Earnings per hour (uqry): over the last hour the dashboard watched, or since the miner started
 * while it has watched less than five minutes (older miners' files lack startedAt: then null).
 */
export function qryPerHour(samples: EarningSample[], miner: MinerStatsFile | null): bigint | null {
  const first = samples[0];
  const last = samples.at(-1);
  if (first && last && last.at - first.at >= MIN_WATCH_MS) return ((last.earned - first.earned) * 3_600_000n) / BigInt(last.at - first.at);
  if (miner?.startedAt === undefined || miner.updatedAt - miner.startedAt < 10_000) return null;
  return (minerEarned(miner) * 3_600_000n) / BigInt(miner.updatedAt - miner.startedAt);
}

/** Alerts about this node itself: its validator jailed, tombstoned, not signing, or close to the downtime jail. */
export function operatorAlerts(m: DashboardModel): string[] {
  const own = ownValidator(m);
  if (!own?.info) return [];
  const name = own.info.moniker || own.address.slice(0, 12);
  if (own.info.tombstoned) return [`this node's validator ${name} is tombstoned (double sign): it can never validate again`];
  if (own.info.jailed) return [`this node's validator ${name} is jailed until #${own.info.jailedUntil}: unjail it (quarry tx stake unjail)`];
  const out: string[] = [];
  if (own.signedLast === false) out.push(`this node's validator ${name} did not sign the last block`);
  const max = own.missed?.max;
  if (own.missed && max && own.missed.count * 2 >= max) out.push(`this node's validator ${name} missed ${own.missed.count} of ${max} blocks allowed in the window`);
  return out;
}
