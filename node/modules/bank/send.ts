/** `bank/send`: move `amount` uqry from the signer to `to`. */
import { QuarryError } from '../../../protocol/errors.ts';
import { defineMsg } from '../types.ts';
import { transfer } from './account.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { sendSpec, type SendMsg } from '../../../protocol/messages/bank.ts';

export const send = defineMsg<SendMsg>({
  ...sendSpec,
  spend: (msg) => msg.amount,
  async apply(ctx, msg) {
    if (msg.amount === 0n) throw new QuarryError('E_INVALID_MSG', 'amount must be positive');
    await transfer(ctx.state, ctx.signer, msg.to, msg.amount);
    ctx.emit({ type: 'transfer', from: encodeAddress(ctx.signer), to: encodeAddress(msg.to), amount: msg.amount.toString() });
  },
});
