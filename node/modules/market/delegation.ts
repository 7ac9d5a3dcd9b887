/**
 * Delegation to provers (docs/market.md §delegation): a prover's pool of delegated collateral
 * (its tokens are `Prover.delegated`, owned through shares), the commission it takes, each
 * delegation, and the money rules that touch them: how a payment to a prover is shared with its
 * delegators and how a slash reaches them. Share math is node/modules/shares.ts, as for validators.
 */
import { array, bigUint, bigUintBytes, bytes, struct, u64 } from '../../../protocol/encoding/schema.ts';
import { concatBytes, u64be } from '../../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { record } from '../../state/record.ts';
import { linkedSet } from '../../state/linked-set.ts';
import type { Overlay, StateReader } from '../../state/view.ts';
import { transfer } from '../bank/account.ts';
import { accrual, pendingReward } from '../shares.ts';
import { moduleAddress } from '../staking/state.ts';
import { getProver, MARKET_BONDS, MAX_UNBONDING, PPM, type Prover } from './state.ts';

/** Holds delegators' shares of provers' earnings until they claim them. */
export const PROVER_REWARDS = moduleAddress('market/prover-rewards');

export interface ProverPool {
  shares: bigint;
  rewardPerShare: bigint;
  commissionPpm: bigint;
  /** A raised commission takes effect at `nextCommissionAt`, giving delegators an unbonding period's notice. */
  nextCommissionPpm: bigint;
  nextCommissionAt: bigint;
}
const pools = record('market/prover-pool', struct({ shares: u64, rewardPerShare: bigUint, commissionPpm: u64, nextCommissionPpm: u64, nextCommissionAt: u64 }));

export interface ProverDelegation {
  shares: bigint;
  rewardPerShare: bigint;
  unbonding: Array<{ amount: bigint; releaseAt: bigint }>;
}
const delegations = record('market/prover-delegation', struct({ shares: u64, rewardPerShare: bigUint, unbonding: array(struct({ amount: u64, releaseAt: u64 }), MAX_UNBONDING) }));
const delegationId = (delegator: Uint8Array, prover: Uint8Array) => concatBytes(delegator, prover);

/** Per prover: its delegators (with shares or stake still unbonding), in the order they came. */
export const proverDelegators = linkedSet('market/prover-delegators', 20);
/** Per height: delegations that finish unbonding then. */
export const undelegationQueue = record('market/undelegation-queue', struct({ entries: array(struct({ delegator: bytes({ len: 20 }), prover: bytes({ len: 20 }), amount: u64 }), 1 << 16) }));

export async function getPool(state: StateReader, prover: Uint8Array): Promise<ProverPool | undefined> {
  return pools.get(state, prover);
}

export async function requirePool(state: StateReader, prover: Uint8Array): Promise<ProverPool> {
  const pool = await getPool(state, prover);
  if (!pool) throw new QuarryError('E_NOT_FOUND', 'this prover takes no delegations (it opens them with market/edit-prover)');
  return pool;
}

export function putPool(state: Overlay, prover: Uint8Array, pool: ProverPool): void {
  pools.put(state, prover, { ...pool, rewardPerShare: bigUintBytes(pool.rewardPerShare) } as unknown as ProverPool);
}

export async function getDelegation(state: StateReader, delegator: Uint8Array, prover: Uint8Array): Promise<ProverDelegation | undefined> {
  return delegations.get(state, delegationId(delegator, prover));
}

/** Stores a delegation; one with no shares and nothing unbonding is gone, from the list too. */
export async function putDelegation(state: Overlay, delegator: Uint8Array, prover: Uint8Array, d: ProverDelegation): Promise<void> {
  const id = delegationId(delegator, prover);
  const existed = (await delegations.get(state, id)) !== undefined;
  if (d.shares === 0n && d.unbonding.length === 0) {
    delegations.remove(state, id);
    if (existed) await proverDelegators.remove(state, prover, delegator);
    return;
  }
  delegations.put(state, id, { ...d, rewardPerShare: bigUintBytes(d.rewardPerShare) } as unknown as ProverDelegation);
  if (!existed) await proverDelegators.add(state, prover, delegator);
}

/** The commission in force at `height`. */
export function commissionAt(pool: ProverPool, height: bigint): bigint {
  return height >= pool.nextCommissionAt ? pool.nextCommissionPpm : pool.commissionPpm;
}

/** The delegators' part of a payment of `amount` to a prover: what is left after commission, in proportion to their stake. */
export function delegatorsPart(p: Pick<Prover, 'bond' | 'delegated'>, pool: Pick<ProverPool, 'shares'>, commissionPpm: bigint, amount: bigint): bigint {
  if (pool.shares === 0n || p.delegated === 0n) return 0n;
  const afterCommission = amount - (amount * commissionPpm) / PPM;
  return (afterCommission * p.delegated) / (p.bond + p.delegated);
}

/**
 * Pays a prover `amount` from `from`: the delegators' part goes to the rewards pool (their
 * accumulator grows), the commission and the part its own bond earned to the prover.
 */
export async function payProver(state: Overlay, from: Uint8Array, prover: Uint8Array, amount: bigint, height: bigint): Promise<void> {
  const pool = await getPool(state, prover);
  const shared = sharedPart(pool, await getProver(state, prover), amount, height);
  if (pool && shared > 0n) await credit(state, from, prover, pool, shared);
  if (amount - shared > 0n) await transfer(state, from, prover, amount - shared);
}

/** Pays a prover's delegators `amount` (already after commission); with none left, the prover itself. */
export async function payDelegators(state: Overlay, from: Uint8Array, prover: Uint8Array, amount: bigint): Promise<void> {
  const pool = await getPool(state, prover);
  if (!pool || pool.shares === 0n) return transfer(state, from, prover, amount);
  await credit(state, from, prover, pool, amount);
}

async function credit(state: Overlay, from: Uint8Array, prover: Uint8Array, pool: ProverPool, amount: bigint): Promise<void> {
  await transfer(state, from, PROVER_REWARDS, amount);
  putPool(state, prover, { ...pool, rewardPerShare: pool.rewardPerShare + accrual(amount, pool.shares) });
}

const sharedPart = (pool: ProverPool | undefined, p: Prover, pay: bigint, height: bigint): bigint => (pool && pay > 0n ? delegatorsPart(p, pool, commissionAt(pool, height), pay) : 0n);

/** The delegators' part of a prover's `pay` (on a miss: what they would have earned, owed to them from whoever fills). */
export async function poolShare(state: StateReader, prover: Uint8Array, p: Prover, pay: bigint, height: bigint): Promise<bigint> {
  return sharedPart(await getPool(state, prover), p, pay, height);
}

/** Pays a delegation's pending rewards and restarts its accumulator; returns what was paid. */
export async function settleDelegationRewards(state: Overlay, delegator: Uint8Array, prover: Uint8Array): Promise<bigint> {
  const d = await getDelegation(state, delegator, prover);
  const pool = await getPool(state, prover);
  if (!d || !pool) return 0n;
  const pending = pendingReward(d.shares, pool.rewardPerShare, d.rewardPerShare);
  if (pending > 0n) await transfer(state, PROVER_REWARDS, delegator, pending);
  await putDelegation(state, delegator, prover, { ...d, rewardPerShare: pool.rewardPerShare });
  return pending;
}

/** Undelegated stake that finished unbonding goes back to its delegators. */
export async function releaseUndelegations(state: Overlay, height: bigint): Promise<void> {
  const queue = await undelegationQueue.get(state, u64be(height));
  if (!queue) return;
  for (const e of queue.entries) {
    await transfer(state, MARKET_BONDS, e.delegator, e.amount);
    const d = await getDelegation(state, e.delegator, e.prover);
    if (d) await putDelegation(state, e.delegator, e.prover, { ...d, unbonding: d.unbonding.filter((u) => u.releaseAt !== height) });
  }
  undelegationQueue.remove(state, u64be(height));
}
