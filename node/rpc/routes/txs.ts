/** Transaction submission and lookup. */
import type { FastifyInstance } from 'fastify';
import type { NodeServices } from '../../services/services.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { receiptJson, txJson } from '../json.ts';
import { bodyBytes, hashParam } from '../params.ts';
import type { TxResponse } from '../../../protocol/rpc-types.ts';

export function txRoutes(app: FastifyInstance, node: NodeServices): void {
  app.post('/txs', async (req, reply) => {
    const tx = await node.ingress.submitTx(bodyBytes(req.body, 'tx'));
    void reply.status(202);
    return { hash: toHex(tx.hash), code: 'OK' };
  });

  app.get<{ Params: { hash: string } }>('/txs/:hash', async (req) => {
    const hash = hashParam(req.params.hash, 'transaction hash');
    const found = await node.chain.getTx(hash);
    if (found) return { ...txJson(found.tx), height: found.height.toString(), index: found.index, result: receiptJson(found.receipt), status: 'committed' } satisfies TxResponse;
    if (node.mempool.has(hash)) return { hash: req.params.hash, status: 'pending' };
    throw new QuarryError('E_NOT_FOUND', `no transaction ${req.params.hash}`);
  });
}
