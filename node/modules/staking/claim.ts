/** `staking/claim`: withdraw the signer's rewards from a validator (and its commission, if the operator). */
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { transfer } from '../bank/account.ts';
import { defineMsg } from '../types.ts';
import { settleRewards } from './bonding.ts';
import { getDelegation, putValidator, requireValidator, REWARDS_POOL } from './state.ts';
import { claimSpec, type ClaimMsg } from '../../../protocol/messages/staking.ts';

export const claim = defineMsg<ClaimMsg>({
  ...claimSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const isOperator = equalBytes(m.validator, ctx.signer);
    if (!isOperator && !(await getDelegation(ctx.state, ctx.signer, m.validator))) throw new QuarryError('E_NOT_FOUND', 'no delegation to this validator');
    let paid = await settleRewards(ctx.state, m.validator, ctx.signer);
    if (isOperator) {
      const v = await requireValidator(ctx.state, m.validator);
      if (v.commissionOwed > 0n) await transfer(ctx.state, REWARDS_POOL, ctx.signer, v.commissionOwed);
      paid += v.commissionOwed;
      putValidator(ctx.state, m.validator, { ...v, commissionOwed: 0n });
    }
    ctx.emit({ type: 'claim', delegator: encodeAddress(ctx.signer), validator: encodeAddress(m.validator), amount: paid.toString() });
  },
});
