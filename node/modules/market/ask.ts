/**
 * `market/ask`: a standing offer to prove a circuit at a price within a turnaround, for up to
 * `capacity` requests at a time. Posting again replaces it; capacity 0 withdraws it. An ask with
 * a free slot looks for waiting requests at the end of the block (docs/market.md §due-index).
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { defineMsg } from '../types.ts';
import { askers, askId, asks, getMarketParams, requireCircuit, requireProverBond } from './state.ts';
import { scheduleMatching } from './request-index.ts';
import { askSpec, type AskMsg } from '../../../protocol/messages/market.ts';

export const ask = defineMsg<AskMsg>({
  ...askSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    await requireCircuit(ctx.state, m.circuitId);
    await requireProverBond(ctx.state, ctx.signer, await getMarketParams(ctx.state));
    if (m.capacity > 0n && m.maxTurnaround === 0n) throw new QuarryError('E_INVALID_MSG', 'turnaround must be at least one block');
    const id = askId(ctx.signer, m.circuitId);
    const old = await asks.get(ctx.state, id);
    const list = (await askers.get(ctx.state, m.circuitId))?.provers ?? [];
    const listed = list.some((p) => toHex(p) === toHex(ctx.signer));
    if (m.capacity === 0n && (!old || old.active === 0n)) {
      asks.remove(ctx.state, id);
      if (listed) askers.put(ctx.state, m.circuitId, { provers: list.filter((p) => toHex(p) !== toHex(ctx.signer)) });
      return;
    }
    asks.put(ctx.state, id, { price: m.price, maxTurnaround: m.maxTurnaround, capacity: m.capacity, active: old?.active ?? 0n, createdAt: old && old.price === m.price ? old.createdAt : ctx.height });
    if (!listed) askers.put(ctx.state, m.circuitId, { provers: [...list, ctx.signer] });
    if (m.capacity > (old?.active ?? 0n)) await scheduleMatching(ctx.state, ctx.height, m.circuitId);
  },
});
