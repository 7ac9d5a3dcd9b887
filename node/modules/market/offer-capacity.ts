/**
 * `market/offer-capacity`: a prover sells up to `count` proofs of a circuit, each within
 * `turnaround` blocks at a fixed `price`, until `endBlocks` from now, setting aside
 * `collateralPerProof` for each (proving futures; docs/market.md §futures).
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex, u64be } from '../../../protocol/encoding/bytes.ts';
import { taggedHash } from '../../crypto/hash.ts';
import { defineMsg } from '../types.ts';
import { commitCollateral } from './settle.ts';
import { lockCollateral } from './economics.ts';
import { expiring, freeCollateral, getMarketParams, offers, requireCircuit, requireProverBond } from './state.ts';
import { offerCapacitySpec, type OfferCapacityMsg } from '../../../protocol/messages/market.ts';

export async function scheduleExpiry(ctx: { state: Parameters<typeof expiring.put>[0] }, height: bigint, kind: 'offers' | 'reservations', id: Uint8Array): Promise<void> {
  const cur = (await expiring.get(ctx.state, u64be(height))) ?? { offers: [], reservations: [] };
  expiring.put(ctx.state, u64be(height), { ...cur, [kind]: [...cur[kind], id] });
}

export const offerCapacity = defineMsg<OfferCapacityMsg>({
  ...offerCapacitySpec,
  spend: () => 0n,
  async apply(ctx, m) {
    await requireCircuit(ctx.state, m.circuitId);
    const params = await getMarketParams(ctx.state);
    if (m.count === 0n || m.turnaround === 0n || m.endBlocks === 0n || m.endBlocks > params.maxDeadlineBlocks) throw new QuarryError('E_INVALID_MSG', 'count, turnaround and endBlocks must be positive (endBlocks within maxDeadlineBlocks)');
    const p = await requireProverBond(ctx.state, ctx.signer, params);
    const least = lockCollateral(params, 0n, m.price);
    if (m.collateralPerProof < least) throw new QuarryError('E_INVALID_MSG', `collateralPerProof must be at least ${least} uqry at this price`);
    const collateral = m.count * m.collateralPerProof;
    if (freeCollateral(p) < collateral) throw new QuarryError('E_INSUFFICIENT_FUNDS', `free collateral ${freeCollateral(p)} uqry is below ${collateral}`);
    await commitCollateral(ctx.state, ctx.signer, collateral);
    const id = taggedHash('quarry/market/offer', ctx.txHash, new Uint8Array([ctx.msgIndex]));
    const endHeight = ctx.height + m.endBlocks;
    offers.put(ctx.state, id, { prover: ctx.signer, circuitId: m.circuitId, remaining: m.count, price: m.price, turnaround: m.turnaround, endHeight, collateralPerProof: m.collateralPerProof });
    await scheduleExpiry(ctx, endHeight, 'offers', id);
    ctx.emit({ type: 'market-offer', offer: toHex(id), count: m.count.toString(), price: m.price.toString() });
  },
});
