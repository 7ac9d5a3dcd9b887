/** `staking/delegate`: bond uqry to a validator. */
import { bytes, literal, struct, u64, type Infer } from '../../encoding/schema.ts';
import { encodeAddress } from '../../crypto/address.ts';
import { defineMsg } from '../types.ts';
import { addStake } from './bonding.ts';

const schema = struct({ type: literal('staking/delegate'), validator: bytes({ len: 20 }), amount: u64 });
export type DelegateMsg = Infer<typeof schema>;

export const delegate = defineMsg<DelegateMsg>({
  type: 'staking/delegate',
  schema,
  weight: () => 1_000n,
  spend: (m) => m.amount,
  async apply(ctx, m) {
    await addStake(ctx.state, m.validator, ctx.signer, m.amount);
    ctx.emit({ type: 'delegate', delegator: encodeAddress(ctx.signer), validator: encodeAddress(m.validator), amount: m.amount.toString() });
  },
});
