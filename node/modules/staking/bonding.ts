/**
 * Share accounting for stake and rewards (docs/staking.md §accounting). A validator's bonded
 * tokens are owned by its delegators in proportion to their shares, so a slash (fewer tokens,
 * same shares) reaches every delegator at once. Rewards use a reward-per-share accumulator (F1
 * style): a delegation's pending reward is shares × (accumulator now − accumulator at last claim).
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import type { Overlay } from '../../state/view.ts';
import { transfer } from '../bank/account.ts';
import { accrual, pendingReward, sharesFor, sharesToRedeem, tokensOfShares } from '../shares.ts';
import { BONDED_POOL, delegatorsOf, getDelegation, PPM, putDelegation, putValidator, requireValidator, REWARDS_POOL } from './state.ts';

/** Pays a delegation's pending rewards from the rewards pool and restarts its accumulator. */
export async function settleRewards(state: Overlay, operator: Uint8Array, delegator: Uint8Array): Promise<bigint> {
  const v = await requireValidator(state, operator);
  const d = await getDelegation(state, delegator, operator);
  if (!d) return 0n;
  const pending = pendingReward(d.shares, v.rewardPerShare, d.rewardPerShare);
  if (pending > 0n) await transfer(state, REWARDS_POOL, delegator, pending);
  putDelegation(state, delegator, operator, { shares: d.shares, rewardPerShare: v.rewardPerShare });
  return pending;
}

/** Bonds `amount` from `from` (an account or a pool) to a validator on behalf of `delegator`. */
export async function addStake(state: Overlay, operator: Uint8Array, delegator: Uint8Array, amount: bigint, from: Uint8Array = delegator): Promise<void> {
  if (amount <= 0n) throw new QuarryError('E_INVALID_MSG', 'amount must be positive');
  await settleRewards(state, operator, delegator);
  const v = await requireValidator(state, operator);
  if (v.tombstoned) throw new QuarryError('E_INVALID_MSG', 'validator is tombstoned and cannot take stake');
  const newShares = sharesFor(v, amount);
  await transfer(state, from, BONDED_POOL, amount);
  putValidator(state, operator, { ...v, tokens: v.tokens + amount, shares: v.shares + newShares });
  const d = (await getDelegation(state, delegator, operator)) ?? { shares: 0n, rewardPerShare: v.rewardPerShare };
  if (d.shares === 0n) {
    const list = (await delegatorsOf.get(state, operator))?.delegators ?? [];
    if (!list.some((x) => toHex(x) === toHex(delegator))) delegatorsOf.put(state, operator, { delegators: [...list, delegator] });
  }
  putDelegation(state, delegator, operator, { shares: d.shares + newShares, rewardPerShare: v.rewardPerShare });
}

/** Unbonds `amount` tokens of a delegation; the tokens stay in the bonded pool (caller moves them). */
export async function removeStake(state: Overlay, operator: Uint8Array, delegator: Uint8Array, amount: bigint): Promise<{ remaining: bigint }> {
  if (amount <= 0n) throw new QuarryError('E_INVALID_MSG', 'amount must be positive');
  await settleRewards(state, operator, delegator);
  const v = await requireValidator(state, operator);
  const shares = (await getDelegation(state, delegator, operator))?.shares ?? 0n;
  const burnShares = sharesToRedeem(v, shares, amount);
  putValidator(state, operator, { ...v, tokens: v.tokens - amount, shares: v.shares - burnShares });
  putDelegation(state, delegator, operator, { shares: shares - burnShares, rewardPerShare: v.rewardPerShare });
  return { remaining: tokensOfShares(v, shares) - amount };
}

/** Credits a validator with `amount` already in the rewards pool: commission, then per share. */
export async function creditValidatorRewards(state: Overlay, operator: Uint8Array, amount: bigint): Promise<void> {
  if (amount === 0n) return;
  const v = await requireValidator(state, operator);
  const commission = (amount * v.commissionPpm) / PPM;
  const rest = amount - commission;
  const perShare = accrual(rest, v.shares);
  // a validator with no shares left keeps the whole amount as commission
  const owed = v.shares > 0n ? commission : amount;
  putValidator(state, operator, { ...v, commissionOwed: v.commissionOwed + owed, rewardPerShare: v.rewardPerShare + perShare });
}
