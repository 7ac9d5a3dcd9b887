/**
 * Share accounting for pooled stake that earns rewards, used by validator delegation
 * (docs/staking.md §accounting) and prover delegation (docs/market.md §delegation). A pool's
 * tokens belong to its holders in proportion to their shares, so a slash (fewer tokens, same
 * shares) reaches every holder at once. Rewards use a reward-per-share accumulator (F1 style): a
 * holding's pending reward is shares × (accumulator now − accumulator at its last claim).
 * Pure integer math.
 */
import { QuarryError } from '../../protocol/errors.ts';

/** Reward-per-share accumulators carry this many fractional bits. */
export const REWARD_SCALE = 1n << 64n;

export interface SharePool {
  tokens: bigint;
  shares: bigint;
}

export function tokensOfShares(pool: SharePool, shares: bigint): bigint {
  return pool.shares === 0n ? 0n : (shares * pool.tokens) / pool.shares;
}

/** Shares that `amount` tokens buy: 1:1 in an empty pool; refused when they buy none or the pool was slashed to zero. */
export function sharesFor(pool: SharePool, amount: bigint): bigint {
  if (amount <= 0n) throw new QuarryError('E_INVALID_MSG', 'amount must be positive');
  if (pool.shares > 0n && pool.tokens === 0n) throw new QuarryError('E_INVALID_MSG', 'the pool was slashed to zero');
  const shares = pool.shares === 0n ? amount : (amount * pool.shares) / pool.tokens;
  if (shares === 0n) throw new QuarryError('E_INVALID_MSG', 'amount is too small to buy a share');
  return shares;
}

/**
 * Shares a holding of `held` shares gives up to take `amount` tokens out: rounded up, so the
 * others never lose to rounding; all of them when it takes everything it holds.
 */
export function sharesToRedeem(pool: SharePool, held: bigint, amount: bigint): bigint {
  if (amount <= 0n) throw new QuarryError('E_INVALID_MSG', 'amount must be positive');
  const worth = tokensOfShares(pool, held);
  if (amount > worth) throw new QuarryError('E_INSUFFICIENT_FUNDS', `delegation holds ${worth} uqry, cannot remove ${amount}`);
  return amount === worth ? held : (amount * pool.shares + pool.tokens - 1n) / pool.tokens;
}

export function pendingReward(shares: bigint, accumulatorNow: bigint, accumulatorThen: bigint): bigint {
  return (shares * (accumulatorNow - accumulatorThen)) / REWARD_SCALE;
}

/** What crediting `amount` to `shares` adds to the accumulator (the rounding dust stays in the pool's account). */
export function accrual(amount: bigint, shares: bigint): bigint {
  return shares > 0n ? (amount * REWARD_SCALE) / shares : 0n;
}
