/** `market/unbond`: withdraw free collateral after `bondUnbondingBlocks`. */
import { QuarryError } from '../../../protocol/errors.ts';
import { u64be } from '../../../protocol/encoding/bytes.ts';
import { defineMsg } from '../types.ts';
import { getMarketParams, getProver, provers, unbondQueue } from './state.ts';
import { unbondSpec, type UnbondMsg } from '../../../protocol/messages/market.ts';

export const unbond = defineMsg<UnbondMsg>({
  ...unbondSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const p = await getProver(ctx.state, ctx.signer);
    if (m.amount === 0n || m.amount > p.bond - p.locked) throw new QuarryError('E_INSUFFICIENT_FUNDS', `free collateral is ${p.bond - p.locked} uqry`);
    const releaseAt = ctx.height + (await getMarketParams(ctx.state)).bondUnbondingBlocks;
    provers.put(ctx.state, ctx.signer, { ...p, bond: p.bond - m.amount, unbonding: [...p.unbonding, { amount: m.amount, releaseAt }] });
    const queue = (await unbondQueue.get(ctx.state, u64be(releaseAt)))?.entries ?? [];
    unbondQueue.put(ctx.state, u64be(releaseAt), { entries: [...queue, { prover: ctx.signer, amount: m.amount }] });
  },
});
