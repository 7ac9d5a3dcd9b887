/** `bank/send`: move `amount` uqry from the signer to `to`. */
import { bytes, literal, struct, u64, type Infer } from '../../encoding/schema.ts';
import { QuarryError } from '../../errors.ts';
import { defineMsg } from '../types.ts';
import { transfer } from './account.ts';
import { encodeAddress } from '../../crypto/address.ts';

const schema = struct({ type: literal('bank/send'), to: bytes({ len: 20 }), amount: u64 });
export type SendMsg = Infer<typeof schema>;

export const send = defineMsg<SendMsg>({
  type: 'bank/send',
  schema,
  weight: () => 200n,
  spend: (msg) => msg.amount,
  async apply(ctx, msg) {
    if (msg.amount === 0n) throw new QuarryError('E_INVALID_MSG', 'amount must be positive');
    await transfer(ctx.state, ctx.signer, msg.to, msg.amount);
    ctx.emit({ type: 'transfer', from: encodeAddress(ctx.signer), to: encodeAddress(msg.to), amount: msg.amount.toString() });
  },
});
