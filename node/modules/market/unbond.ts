/**
 * `market/unbond`: withdraw free collateral of the prover's own bond after `bondUnbondingBlocks`.
 * While it holds commitments it keeps `minProverBond` of its own: delegators' stake must not back
 * its work alone (docs/market.md §delegation).
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes, u64be } from '../../../protocol/encoding/bytes.ts';
import { defineMsg } from '../types.ts';
import { addUnbonding, freeCollateral, mergeAmount, getMarketParams, getProver, provers, unbondQueue } from './state.ts';
import { unbondSpec, type UnbondMsg } from '../../../protocol/messages/market.ts';

export const unbond = defineMsg<UnbondMsg>({
  ...unbondSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const p = await getProver(ctx.state, ctx.signer);
    const free = freeCollateral(p) < p.bond ? freeCollateral(p) : p.bond;
    if (m.amount === 0n || m.amount > free) throw new QuarryError('E_INSUFFICIENT_FUNDS', `free collateral is ${free} uqry of your own bond`);
    const params = await getMarketParams(ctx.state);
    if (p.locked > 0n && p.bond - m.amount < params.minProverBond) throw new QuarryError('E_INSUFFICIENT_FUNDS', `a prover with open commitments keeps a bond of ${params.minProverBond} uqry`);
    const releaseAt = ctx.height + params.bondUnbondingBlocks;
    provers.put(ctx.state, ctx.signer, { ...p, bond: p.bond - m.amount, unbonding: addUnbonding(p.unbonding, m.amount, releaseAt) });
    const queue = (await unbondQueue.get(ctx.state, u64be(releaseAt)))?.entries ?? [];
    unbondQueue.put(ctx.state, u64be(releaseAt), { entries: mergeAmount(queue, (e) => equalBytes(e.prover, ctx.signer), { prover: ctx.signer, amount: m.amount })! });
  },
});
