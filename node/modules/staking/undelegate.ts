/**
 * `staking/undelegate`: start unbonding; the uqry return after `unbondingBlocks` and stay
 * slashable for faults committed before the undelegation. An operator must keep at least
 * `minSelfBond` or leave entirely, which jails the validator.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { defineMsg } from '../types.ts';
import { removeStake } from './bonding.ts';
import { enqueueUnbonding } from './unbonding.ts';
import { getStakingParams, putValidator, requireValidator } from './state.ts';
import { undelegateSpec, type UndelegateMsg } from '../../../protocol/messages/staking.ts';

export const undelegate = defineMsg<UndelegateMsg>({
  ...undelegateSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const params = await getStakingParams(ctx.state);
    const { remaining } = await removeStake(ctx.state, m.validator, ctx.signer, m.amount);
    if (equalBytes(m.validator, ctx.signer) && remaining > 0n && remaining < params.minSelfBond) {
      throw new QuarryError('E_INVALID_MSG', `the operator must keep at least ${params.minSelfBond} uqry self-bonded, or unbond everything`);
    }
    if (equalBytes(m.validator, ctx.signer) && remaining === 0n) {
      putValidator(ctx.state, m.validator, { ...(await requireValidator(ctx.state, m.validator)), jailed: true });
    }
    const completeAt = ctx.height + params.unbondingBlocks;
    await enqueueUnbonding(ctx.state, completeAt, { delegator: ctx.signer, validator: m.validator, creationHeight: ctx.height, initial: m.amount, balance: m.amount });
    ctx.emit({ type: 'undelegate', delegator: encodeAddress(ctx.signer), validator: encodeAddress(m.validator), amount: m.amount.toString(), completeAt: completeAt.toString() });
  },
});
