/**
 * `market/reserve`: buy `count` proofs from a capacity offer at its fixed price, paid into escrow
 * now; later requests under the reservation go straight to that prover (docs/market.md §futures).
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { taggedHash } from '../../crypto/hash.ts';
import { transfer } from '../bank/account.ts';
import { defineMsg } from '../types.ts';
import { scheduleExpiry } from './offer-capacity.ts';
import { MARKET_ESCROW, offers, reservations } from './state.ts';
import { reserveSpec, type ReserveMsg } from '../../../protocol/messages/market.ts';

export const reserve = defineMsg<ReserveMsg>({
  ...reserveSpec,
  spend: () => 0n, // the price is only known from state; the transfer checks funds
  async apply(ctx, m) {
    const o = await offers.get(ctx.state, m.offerId);
    if (!o) throw new QuarryError('E_NOT_FOUND', 'no such capacity offer');
    if (ctx.height >= o.endHeight) throw new QuarryError('E_EXPIRED', 'the offer has ended');
    if (m.count === 0n || m.count > o.remaining) throw new QuarryError('E_INVALID_MSG', `the offer has ${o.remaining} proofs left`);
    await transfer(ctx.state, ctx.signer, MARKET_ESCROW, m.count * o.price);
    offers.put(ctx.state, m.offerId, { ...o, remaining: o.remaining - m.count });
    const id = taggedHash('quarry/market/reservation', ctx.txHash, new Uint8Array([ctx.msgIndex]));
    reservations.put(ctx.state, id, { buyer: ctx.signer, offerId: m.offerId, prover: o.prover, circuitId: o.circuitId, remaining: m.count, price: o.price, turnaround: o.turnaround, endHeight: o.endHeight, collateralPerProof: o.collateralPerProof });
    await scheduleExpiry(ctx, o.endHeight, 'reservations', id);
    ctx.emit({ type: 'market-reservation', reservation: toHex(id), offer: toHex(m.offerId), count: m.count.toString() });
  },
});
