/**
 * `market/undelegate-prover`: take delegated stake back after `bondUnbondingBlocks`. Only free
 * collateral can leave: stake backing the prover's open locks stays until they end, so no lock is
 * ever left without its collateral. Unbonding stake is not slashable: it backed no open lock when
 * it left (docs/market.md §delegation).
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { equalBytes, u64be } from '../../../protocol/encoding/bytes.ts';
import { defineMsg } from '../types.ts';
import { sharesToRedeem } from '../shares.ts';
import { getDelegation, putDelegation, putPool, requirePool, settleDelegationRewards, undelegationQueue } from './delegation.ts';
import { addUnbonding, freeCollateral, getMarketParams, getProver, mergeAmount, provers } from './state.ts';
import { undelegateProverSpec, type UndelegateProverMsg } from '../../../protocol/messages/market.ts';

export const undelegateProver = defineMsg<UndelegateProverMsg>({
  ...undelegateProverSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    await settleDelegationRewards(ctx.state, ctx.signer, m.prover);
    const pool = await requirePool(ctx.state, m.prover);
    const d = await getDelegation(ctx.state, ctx.signer, m.prover);
    const p = await getProver(ctx.state, m.prover);
    const shares = sharesToRedeem({ tokens: p.delegated, shares: pool.shares }, d?.shares ?? 0n, m.amount);
    if (m.amount > freeCollateral(p)) throw new QuarryError('E_INSUFFICIENT_FUNDS', `the prover's free collateral is ${freeCollateral(p)} uqry; the rest backs its open locks until they end`);
    const releaseAt = ctx.height + (await getMarketParams(ctx.state)).bondUnbondingBlocks;
    provers.put(ctx.state, m.prover, { ...p, delegated: p.delegated - m.amount });
    putPool(ctx.state, m.prover, { ...pool, shares: pool.shares - shares });
    await putDelegation(ctx.state, ctx.signer, m.prover, { ...d!, shares: d!.shares - shares, unbonding: addUnbonding(d!.unbonding, m.amount, releaseAt) });
    const queue = (await undelegationQueue.get(ctx.state, u64be(releaseAt)))?.entries ?? [];
    const mine = (e: (typeof queue)[number]) => equalBytes(e.delegator, ctx.signer) && equalBytes(e.prover, m.prover);
    undelegationQueue.put(ctx.state, u64be(releaseAt), { entries: mergeAmount(queue, mine, { delegator: ctx.signer, prover: m.prover, amount: m.amount })! });
    ctx.emit({ type: 'market-undelegate', delegator: encodeAddress(ctx.signer), prover: encodeAddress(m.prover), amount: m.amount.toString(), releaseAt: releaseAt.toString() });
  },
});
