/** `staking/unjail`: a jailed (not tombstoned) validator asks to rejoin from the next epoch. */
import { QuarryError } from '../../../protocol/errors.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { defineMsg } from '../types.ts';
import { tokensOfShares } from '../shares.ts';
import { getDelegation, getStakingParams, putValidator, requireValidator } from './state.ts';
import { unjailSpec, type UnjailMsg } from '../../../protocol/messages/staking.ts';

export const unjail = defineMsg<UnjailMsg>({
  ...unjailSpec,
  spend: () => 0n,
  async apply(ctx) {
    const v = await requireValidator(ctx.state, ctx.signer);
    if (!v.jailed) throw new QuarryError('E_INVALID_MSG', 'validator is not jailed');
    if (v.tombstoned) throw new QuarryError('E_INVALID_MSG', 'validator is tombstoned for double signing and cannot return');
    if (ctx.height < v.jailedUntil) throw new QuarryError('E_INVALID_MSG', `validator is jailed until height ${v.jailedUntil}`);
    const params = await getStakingParams(ctx.state);
    const self = await getDelegation(ctx.state, ctx.signer, ctx.signer);
    if (!self || tokensOfShares(v, self.shares) < params.minSelfBond) throw new QuarryError('E_INVALID_MSG', `self-bond below the minimum of ${params.minSelfBond} uqry`);
    putValidator(ctx.state, ctx.signer, { ...v, jailed: false, missedBits: new Uint8Array(v.missedBits.length), missedCount: 0n });
    ctx.emit({ type: 'unjail', operator: encodeAddress(ctx.signer) });
  },
});
