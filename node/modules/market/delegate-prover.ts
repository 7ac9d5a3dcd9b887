/**
 * `market/delegate-prover`: put QRY behind a prover that takes delegations. The stake backs its
 * locks beside its bond, earns its share of the prover's pay (after commission) and takes its
 * share of the prover's slashes (docs/market.md §delegation).
 */
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { transfer } from '../bank/account.ts';
import { defineMsg } from '../types.ts';
import { sharesFor } from '../shares.ts';
import { getDelegation, putDelegation, putPool, requirePool, settleDelegationRewards } from './delegation.ts';
import { getProver, MARKET_BONDS, provers } from './state.ts';
import { delegateProverSpec, type DelegateProverMsg } from '../../../protocol/messages/market.ts';

export const delegateProver = defineMsg<DelegateProverMsg>({
  ...delegateProverSpec,
  spend: (m) => m.amount,
  async apply(ctx, m) {
    await settleDelegationRewards(ctx.state, ctx.signer, m.prover);
    const pool = await requirePool(ctx.state, m.prover);
    const p = await getProver(ctx.state, m.prover);
    const shares = sharesFor({ tokens: p.delegated, shares: pool.shares }, m.amount);
    await transfer(ctx.state, ctx.signer, MARKET_BONDS, m.amount);
    provers.put(ctx.state, m.prover, { ...p, delegated: p.delegated + m.amount });
    putPool(ctx.state, m.prover, { ...pool, shares: pool.shares + shares });
    const d = (await getDelegation(ctx.state, ctx.signer, m.prover)) ?? { shares: 0n, rewardPerShare: pool.rewardPerShare, unbonding: [] };
    await putDelegation(ctx.state, ctx.signer, m.prover, { ...d, shares: d.shares + shares, rewardPerShare: pool.rewardPerShare });
    ctx.emit({ type: 'market-delegate', delegator: encodeAddress(ctx.signer), prover: encodeAddress(m.prover), amount: m.amount.toString() });
  },
});
