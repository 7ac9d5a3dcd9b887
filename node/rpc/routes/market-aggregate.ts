/**
 * A block's proofs for one circuit as one deliverable (docs/market.md §verification): what the
 * block's fills delivered, with the key and a seed, so a client checks them all with one
 * randomized pairing product, or one by one.
 */
import type { FastifyInstance } from 'fastify';
import type { Chain } from '../../chain/chain.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes, fromHex, toHex } from '../../../protocol/encoding/bytes.ts';
import { taggedHash } from '../../crypto/hash.ts';
import { circuits, getRequest, requestProofs } from '../../modules/market/state.ts';
import { hashParam, heightParam } from '../params.ts';
import type { BlockProofs } from '../../../protocol/rpc-types.ts';

export function marketAggregateRoutes(app: FastifyInstance, chain: Chain): void {
  app.get<{ Params: { height: string }; Querystring: { circuit?: string } }>('/market/blocks/:height/proofs', async (req): Promise<BlockProofs> => {
    const height = heightParam(req.params.height);
    const circuit = hashParam(req.query.circuit, 'circuit');
    const state = chain.latestState;
    const c = await circuits.get(state, circuit);
    if (!c) throw new QuarryError('E_NOT_FOUND', 'unknown circuit');
    const block = await chain.getBlock(height);
    if (!block) throw new QuarryError('E_NOT_FOUND', `no block at height ${height}`);
    const requests = new Set<string>();
    for (const receipt of await chain.getReceipts(height)) for (const e of receipt.events) if (e.type === 'market-fill' && typeof e.request === 'string') requests.add(e.request);
    const proofs: BlockProofs['proofs'] = [];
    for (const id of requests) {
      const r = await getRequest(state, fromHex(id));
      const p = await requestProofs.get(state, fromHex(id));
      if (p && equalBytes(r.circuitId, circuit)) proofs.push({ request: id, proof: toHex(p.proof), publicSignals: p.publicSignals });
    }
    return { height: height.toString(), blockHash: toHex(block.hash), circuit: toHex(circuit), vk: toHex(c.vk), seed: toHex(taggedHash('quarry/market/aggregate', block.hash, circuit)), proofs };
  });
}
