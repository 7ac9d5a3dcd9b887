/** `bank/multi-send`: pay up to 64 recipients from the signer in one message (all or nothing). */
import { QuarryError } from '../../../protocol/errors.ts';
import { defineMsg } from '../types.ts';
import { transferMany } from './account.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { multiSendSpec, type MultiSendMsg } from '../../../protocol/messages/bank.ts';

export const multiSend = defineMsg<MultiSendMsg>({
  ...multiSendSpec,
  spend: (msg) => msg.outputs.reduce((s, o) => s + o.amount, 0n),
  async apply(ctx, msg) {
    // a zero output fails the message before any later output's funds are checked, as it did
    // when outputs were paid one at a time
    const zero = msg.outputs.findIndex((o) => o.amount === 0n);
    await transferMany(ctx.state, ctx.signer, zero < 0 ? msg.outputs : msg.outputs.slice(0, zero));
    if (zero >= 0) throw new QuarryError('E_INVALID_MSG', 'every output amount must be positive');
    const from = encodeAddress(ctx.signer);
    const names = new Map<string, string>();
    for (const out of msg.outputs) {
      const k = toHex(out.to);
      let to = names.get(k);
      if (to === undefined) names.set(k, (to = encodeAddress(out.to)));
      ctx.emit({ type: 'transfer', from, to, amount: out.amount.toString() });
    }
  },
});
