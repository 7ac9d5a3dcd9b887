/**
 * WebSocket event stream at /events: `block` for each committed block, `tx` for each committed
 * transaction, `solution` for each paid solution, `market` for market events (`event` names it:
 * market-request, -lock, -fill, -slash, -relist, -expired, …), and `pending-tx` /
 * `pending-solution` on admission.
 * `?types=block,tx` filters. Slow consumers (over 4 MiB buffered) are disconnected.
 */
import type { FastifyInstance } from 'fastify';
import type { NodeServices } from '../../services/services.ts';
import type { CommittedBlock } from '../../chain/chain.ts';
import { toHex } from '../../encoding/bytes.ts';
import { encodeAddress } from '../../crypto/address.ts';
import type { Tx } from '../../tx/tx.ts';
import { receiptJson } from '../json.ts';
import type { Solution } from '../../../puzzle/solution.ts';

const MAX_BUFFERED = 4 * 1024 * 1024;

export function eventRoutes(app: FastifyInstance, node: NodeServices): void {
  app.get<{ Querystring: { types?: string } }>('/events', { websocket: true }, (socket, req) => {
    const wanted = req.query.types ? new Set(req.query.types.split(',')) : null;
    const send = (type: string, payload: object) => {
      if (wanted && !wanted.has(type)) return;
      if (socket.bufferedAmount > MAX_BUFFERED) return socket.terminate();
      socket.send(JSON.stringify({ ...payload, type }));
    };
    const onBlock = (b: CommittedBlock) => {
      const h = b.block.header;
      send('block', { height: h.height.toString(), hash: toHex(b.hash), time: h.time.toString(), txs: b.block.txs.length, proposer: encodeAddress(h.proposer) });
      b.candidate?.txs.forEach((tx, i) => send('tx', { hash: toHex(tx.hash), height: h.height.toString(), sender: encodeAddress(tx.sender), result: receiptJson(b.receipts[i]!) }));
      for (const e of b.candidate?.exec.events ?? []) {
        if (e.type === 'solution') send('solution', { ...e, height: h.height.toString() });
        else if (e.type.startsWith('market-')) send('market', { ...e, event: e.type, height: h.height.toString() });
      }
      b.receipts.forEach((r) => r.events.filter((e) => e.type.startsWith('market-')).forEach((e) => send('market', { ...e, event: e.type, height: h.height.toString() })));
    };
    const onSolution = ({ solution, id }: { solution: Solution; id: Uint8Array }) =>
      send('pending-solution', { id: toHex(id), address: encodeAddress(solution.body.address), nonce: solution.body.nonce.toString(), epoch: solution.body.epoch.toString() });
    const onTx = (tx: Tx) => send('pending-tx', { hash: toHex(tx.hash), sender: encodeAddress(tx.sender) });
    node.events.on('block', onBlock);
    node.events.on('tx', onTx);
    node.events.on('solution', onSolution);
    socket.on('close', () => {
      node.events.off('block', onBlock);
      node.events.off('tx', onTx);
      node.events.off('solution', onSolution);
    });
    socket.on('message', () => undefined); // the stream is one-way; client messages are ignored
  });
}
