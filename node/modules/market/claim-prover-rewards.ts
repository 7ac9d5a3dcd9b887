/** `market/claim-prover-rewards`: withdraw the signer's share of a prover's earnings (docs/market.md §delegation). */
import { QuarryError } from '../../../protocol/errors.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { defineMsg } from '../types.ts';
import { getDelegation, settleDelegationRewards } from './delegation.ts';
import { claimProverRewardsSpec, type ClaimProverRewardsMsg } from '../../../protocol/messages/market.ts';

export const claimProverRewards = defineMsg<ClaimProverRewardsMsg>({
  ...claimProverRewardsSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    if (!(await getDelegation(ctx.state, ctx.signer, m.prover))) throw new QuarryError('E_NOT_FOUND', 'no delegation to this prover');
    const paid = await settleDelegationRewards(ctx.state, ctx.signer, m.prover);
    ctx.emit({ type: 'market-claim-prover-rewards', delegator: encodeAddress(ctx.signer), prover: encodeAddress(m.prover), amount: paid.toString() });
  },
});
