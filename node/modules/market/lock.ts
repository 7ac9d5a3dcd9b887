/**
 * `market/lock`: a bonded prover takes an unmatched request at its current Dutch-auction price,
 * posting the lock's collateral (the request's, at least the protocol's share of the price); it
 * must fulfil within `lockBlocks` or lose the collateral.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { defineMsg } from '../types.ts';
import { auctionPrice } from './pricing.ts';
import { lockRequest } from './settle.ts';
import { fillPay, lockCollateral } from './economics.ts';
import { freeCollateral, getMarketParams, getRequest, owedTotal, proverKeys, reputationPpm, requireProverBond } from './state.ts';
import { lockSpec, type LockMsg } from '../../../protocol/messages/market.ts';

export const lock = defineMsg<LockMsg>({
  ...lockSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const r = await getRequest(ctx.state, m.requestId);
    if (r.status !== 'open') throw new QuarryError('E_INVALID_MSG', `a ${r.status} request cannot be locked`);
    if (r.sealed && !(await proverKeys.get(ctx.state, ctx.signer))) throw new QuarryError('E_INVALID_MSG', 'a sealed request needs a prover key to seal its inputs to (market/prover-key first)');
    if (r.mode === 'stake') throw new QuarryError('E_INVALID_MSG', 'a stake-mode request is assigned by draw, not locked');
    if (ctx.height >= r.deadline) throw new QuarryError('E_EXPIRED', 'the request is past its deadline');
    const params = await getMarketParams(ctx.state);
    const p = await requireProverBond(ctx.state, ctx.signer, params);
    const price = auctionPrice(r, ctx.height);
    if (fillPay(params, owedTotal(r), price) < 0n) throw new QuarryError('E_INVALID_MSG', `the price ${price} uqry does not yet cover the ${owedTotal(r)} uqry owed to the delegators of provers that missed it`);
    const collateral = lockCollateral(params, r.collateral, price);
    if (freeCollateral(p) < collateral) throw new QuarryError('E_INSUFFICIENT_FUNDS', `free collateral ${freeCollateral(p)} uqry is below the required ${collateral}`);
    if (reputationPpm(p) < r.minReputationPpm) throw new QuarryError('E_INVALID_MSG', 'reputation below the requester\'s minimum');
    if (r.declinedBy.some((d) => equalBytes(d, ctx.signer))) throw new QuarryError('E_INVALID_MSG', 'you declined this request');
    const expiresAt = r.lockBlocks === 0n || ctx.height + r.lockBlocks > r.deadline ? r.deadline : ctx.height + r.lockBlocks;
    await lockRequest(ctx.state, m.requestId, r, { prover: ctx.signer, price, lockedAt: ctx.height, expiresAt, collateral, viaAsk: false }, ctx.emit, ctx.height);
  },
});
