/**
 * Epoch records, epoch proofs and the headers light clients check (docs/rpc.md §epochs): what
 * `quarry node prove-epochs` proves from and what `quarry light` verifies.
 */
import type { FastifyInstance } from 'fastify';
import type { NodeServices } from '../../services/services.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { encode } from '../../../protocol/encoding/cbor.ts';
import { heightParam } from '../params.ts';
import { epochView, epochViewToJson } from '../../modules/epoch/view.ts';
import { boundaryOf } from '../../chain/handoffs.ts';
import { epochOf, getChainParams } from '../../modules/chain-params.ts';

export function epochRoutes(app: FastifyInstance, node: NodeServices): void {
  const { chain } = node;
  const proofs = node.epochProofs;

  app.get('/epochs/current', async () => {
    const params = await getChainParams(chain.latestState);
    return { epoch: epochOf(chain.head.height + 1n, params).toString(), epochLength: params.epochLength.toString(), provenEpoch: proofs.latest()?.toString() ?? null };
  });

  app.get<{ Params: { epoch: string } }>('/epochs/:epoch', async (req) => epochViewToJson(await epochView(chain.latestState, heightParam(req.params.epoch, 'epoch'), boundaryOf(chain))));

  app.get('/epoch-proofs/latest', async () => {
    const latest = proofs.latest();
    if (latest === null) throw new QuarryError('E_NOT_FOUND', 'no epoch proof yet (run `quarry node prove-epochs` with this home)');
    return proofs.get(latest);
  });

  app.get<{ Params: { epoch: string } }>('/epoch-proofs/:epoch', async (req) => proofs.get(heightParam(req.params.epoch, 'epoch')));

  /** A header and its commit certificate as canonical CBOR (hex): light clients decode and hash them themselves. */
  app.get<{ Params: { height: string } }>('/headers/:height', async (req) => {
    const height = heightParam(req.params.height);
    const found = await chain.getBlock(height);
    const commit = await chain.getCommit(height);
    if (!found || !commit) throw new QuarryError('E_NOT_FOUND', `no committed block at height ${height} (head is ${chain.head.height})`);
    return { height: height.toString(), header: toHex(encode(found.block.header)), commit: toHex(encode(commit)) };
  });
}
