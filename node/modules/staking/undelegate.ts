/**
 * `staking/undelegate`: start unbonding; the uqry return after `unbondingBlocks` and stay
 * slashable for faults committed before the undelegation. An operator must keep at least
 * `minSelfBond` or leave entirely, which jails the validator.
 */
import { bytes, literal, struct, u64, type Infer } from '../../encoding/schema.ts';
import { QuarryError } from '../../errors.ts';
import { equalBytes } from '../../encoding/bytes.ts';
import { encodeAddress } from '../../crypto/address.ts';
import { defineMsg } from '../types.ts';
import { removeStake } from './bonding.ts';
import { enqueueUnbonding } from './unbonding.ts';
import { getStakingParams, putValidator, requireValidator } from './state.ts';

const schema = struct({ type: literal('staking/undelegate'), validator: bytes({ len: 20 }), amount: u64 });
export type UndelegateMsg = Infer<typeof schema>;

export const undelegate = defineMsg<UndelegateMsg>({
  type: 'staking/undelegate',
  schema,
  weight: () => 1_500n,
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
