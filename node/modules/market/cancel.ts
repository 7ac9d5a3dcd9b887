/** `market/cancel`: the requester withdraws a request nobody has locked; the escrow is refunded. */
import { bytes, literal, struct, type Infer } from '../../encoding/schema.ts';
import { QuarryError } from '../../errors.ts';
import { equalBytes } from '../../encoding/bytes.ts';
import { defineMsg } from '../types.ts';
import { refundRequest } from './settle.ts';
import { getRequest } from './state.ts';

const schema = struct({ type: literal('market/cancel'), requestId: bytes({ len: 32 }) });
export type CancelMsg = Infer<typeof schema>;

export const cancel = defineMsg<CancelMsg>({
  type: 'market/cancel',
  schema,
  weight: () => 1_000n,
  spend: () => 0n,
  async apply(ctx, m) {
    const r = await getRequest(ctx.state, m.requestId);
    if (!equalBytes(r.requester, ctx.signer)) throw new QuarryError('E_INVALID_MSG', 'only the requester may cancel');
    if (r.status !== 'open') throw new QuarryError('E_INVALID_MSG', `a ${r.status} request cannot be cancelled`);
    await refundRequest(ctx.state, m.requestId, r, 'cancelled', ctx.emit);
  },
});
