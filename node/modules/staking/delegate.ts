/** `staking/delegate`: bond uqry to a validator. */
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { defineMsg } from '../types.ts';
import { addStake } from './bonding.ts';
import { delegateSpec, type DelegateMsg } from '../../../protocol/messages/staking.ts';

export const delegate = defineMsg<DelegateMsg>({
  ...delegateSpec,
  spend: (m) => m.amount,
  async apply(ctx, m) {
    await addStake(ctx.state, m.validator, ctx.signer, m.amount);
    ctx.emit({ type: 'delegate', delegator: encodeAddress(ctx.signer), validator: encodeAddress(m.validator), amount: m.amount.toString() });
  },
});
