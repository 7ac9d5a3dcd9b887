/** `bank/multi-send`: pay up to 64 recipients from the signer in one message (all or nothing). */
import { array, bytes, literal, struct, u64, type Infer } from '../../encoding/schema.ts';
import { QuarryError } from '../../errors.ts';
import { defineMsg } from '../types.ts';
import { transfer } from './account.ts';
import { encodeAddress } from '../../crypto/address.ts';

export const MAX_OUTPUTS = 64;
const output = struct({ to: bytes({ len: 20 }), amount: u64 });
const schema = struct({ type: literal('bank/multi-send'), outputs: array(output, MAX_OUTPUTS, 1) });
export type MultiSendMsg = Infer<typeof schema>;

export const multiSend = defineMsg<MultiSendMsg>({
  type: 'bank/multi-send',
  schema,
  weight: (msg) => 200n + 100n * BigInt(msg.outputs.length),
  spend: (msg) => msg.outputs.reduce((s, o) => s + o.amount, 0n),
  async apply(ctx, msg) {
    for (const out of msg.outputs) {
      if (out.amount === 0n) throw new QuarryError('E_INVALID_MSG', 'every output amount must be positive');
      await transfer(ctx.state, ctx.signer, out.to, out.amount);
      ctx.emit({ type: 'transfer', from: encodeAddress(ctx.signer), to: encodeAddress(out.to), amount: out.amount.toString() });
    }
  },
});
