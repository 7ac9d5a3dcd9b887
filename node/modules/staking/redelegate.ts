/**
 * `staking/redelegate`: move stake from one validator to another at once, without unbonding.
 * (v1 does not slash redelegated stake for the source validator's earlier faults: docs/staking.md.)
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { defineMsg } from '../types.ts';
import { addStake, removeStake } from './bonding.ts';
import { BONDED_POOL, getStakingParams } from './state.ts';
import { redelegateSpec, type RedelegateMsg } from '../../../protocol/messages/staking.ts';

export const redelegate = defineMsg<RedelegateMsg>({
  ...redelegateSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    if (equalBytes(m.from, m.to)) throw new QuarryError('E_INVALID_MSG', 'source and destination are the same validator');
    const params = await getStakingParams(ctx.state);
    const { remaining } = await removeStake(ctx.state, m.from, ctx.signer, m.amount);
    if (equalBytes(m.from, ctx.signer) && remaining < params.minSelfBond) throw new QuarryError('E_INVALID_MSG', 'an operator cannot redelegate its minimum self-bond away');
    await addStake(ctx.state, m.to, ctx.signer, m.amount, BONDED_POOL);
    ctx.emit({ type: 'redelegate', delegator: encodeAddress(ctx.signer), from: encodeAddress(m.from), to: encodeAddress(m.to), amount: m.amount.toString() });
  },
});
