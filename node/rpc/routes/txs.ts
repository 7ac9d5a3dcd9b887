/** Transaction submission, lookup, and search by sender or height. */
import type { FastifyInstance } from 'fastify';
import type { NodeServices } from '../../services/services.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { txResponse } from '../json.ts';
import { txHash } from '../../../protocol/tx.ts';
import { bodyBytes, countParam, hashParam, heightParam } from '../params.ts';
import { decodeAddress } from '../../../protocol/crypto/address.ts';
import type { TxResponse, TxSearchResponse } from '../../../protocol/rpc-types.ts';

const MAX_SEARCH = 1000;
/** A sender page stops at a whole height once it holds this many bytes of transactions (the JSON is ≈ 2.5× that). */
const MAX_PAGE_BYTES = 1 << 20;

export function txRoutes(app: FastifyInstance, node: NodeServices): void {
  app.post('/txs', async (req, reply) => {
    const tx = await node.ingress.submitTx(bodyBytes(req.body, 'tx'));
    void reply.status(202);
    return { hash: toHex(tx.hash), code: 'OK' };
  });

  const committed = async (hash: Uint8Array): Promise<TxResponse | undefined> => {
    const found = await node.chain.getTx(hash);
    return found && txResponse(found.tx, found.height, found.index, found.receipt);
  };

  app.get<{ Params: { hash: string } }>('/txs/:hash', async (req) => {
    const hash = hashParam(req.params.hash, 'transaction hash');
    const found = await committed(hash);
    if (found) return found;
    if (node.mempool.has(hash)) return { hash: req.params.hash, status: 'pending' };
    throw new QuarryError('E_NOT_FOUND', `no transaction ${req.params.hash}`);
  });

  // inclusion: the hashes of the block's transactions, in order (their Merkle root is the header's txRoot)
  app.get<{ Params: { hash: string } }>('/txs/:hash/inclusion', async (req) => {
    const found = await node.chain.getTx(hashParam(req.params.hash, 'transaction hash'));
    if (!found) throw new QuarryError('E_NOT_FOUND', `no committed transaction ${req.params.hash}`);
    const block = await node.chain.getBlock(found.height);
    if (!block) throw new QuarryError('E_NOT_FOUND', `no block at height ${found.height}`);
    return { height: found.height.toString(), index: found.index, hashes: block.block.txs.map((t) => toHex(txHash(t))) };
  });

  // committed transactions of one sender (newest first, paged with `before`) or of one block
  app.get<{ Querystring: { sender?: string; height?: string; before?: string; limit?: string } }>('/txs', async (req) => {
    const { sender, height, before } = req.query;
    if ((sender === undefined) === (height === undefined)) throw new QuarryError('E_BAD_REQUEST', 'search by exactly one of ?sender=qry1… or ?height=N');
    const limit = countParam(req.query.limit, 'limit', MAX_SEARCH, 100);
    if (height !== undefined) {
      const h = heightParam(height, 'height');
      const txs = (await node.chain.getBlockTxs(h)).slice(0, limit);
      return { txs: txs.map(({ tx, index, receipt }) => txResponse(tx, h, index, receipt)) } satisfies TxSearchResponse;
    }
    const page = await node.chain.txsBySender(decodeAddress(sender!), limit, before === undefined ? undefined : heightParam(before, 'before'), MAX_PAGE_BYTES);
    const txs = page.txs.map(({ tx, height: h, index, receipt }) => txResponse(tx, h, index, receipt));
    return { txs, next: page.next?.toString() ?? null } satisfies TxSearchResponse;
  });
}
