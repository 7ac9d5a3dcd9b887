/** `market/cancel`: the requester withdraws a request nobody has locked (or a race nobody has entered); the escrow is refunded. */
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { defineMsg } from '../types.ts';
import { refundRequest } from './settle.ts';
import { getRequest } from './state.ts';
import { cancelSpec, type CancelMsg } from '../../../protocol/messages/market.ts';

export const cancel = defineMsg<CancelMsg>({
  ...cancelSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const r = await getRequest(ctx.state, m.requestId);
    if (!equalBytes(r.requester, ctx.signer)) throw new QuarryError('E_INVALID_MSG', 'only the requester may cancel');
    if (r.status !== 'open' && !(r.status === 'race' && r.racers.length === 0)) throw new QuarryError('E_INVALID_MSG', `a ${r.status} request cannot be cancelled`);
    await refundRequest(ctx.state, m.requestId, r, 'cancelled', ctx.emit);
  },
});
