/** `bank/multi-send`: pay up to 64 recipients from the signer in one message (all or nothing). */
import { QuarryError } from '../../../protocol/errors.ts';
import { defineMsg } from '../types.ts';
import { transfer } from './account.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { multiSendSpec, type MultiSendMsg } from '../../../protocol/messages/bank.ts';

export const multiSend = defineMsg<MultiSendMsg>({
  ...multiSendSpec,
  spend: (msg) => msg.outputs.reduce((s, o) => s + o.amount, 0n),
  async apply(ctx, msg) {
    for (const out of msg.outputs) {
      if (out.amount === 0n) throw new QuarryError('E_INVALID_MSG', 'every output amount must be positive');
      await transfer(ctx.state, ctx.signer, out.to, out.amount);
      ctx.emit({ type: 'transfer', from: encodeAddress(ctx.signer), to: encodeAddress(out.to), amount: out.amount.toString() });
    }
  },
});
