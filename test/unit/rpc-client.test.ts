/**
 * The RPC client when a node closes a keep-alive socket just as a GET arrives on it (its idle
 * timeout firing): `quarry light` hit this as `E_UNAVAILABLE … other side closed` after o1js had
 * blocked its event loop for longer than the node's keep-alive timeout. A GET is idempotent, so
 * the client sends it once more on a fresh socket; a POST is not retried.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { RpcClient } from '../../client/rpc.ts';
import { RpcError } from '../../client/errors.ts';

/** Answers the first request on each connection; closes the connection on the second, unanswered. */
async function closingServer(): Promise<{ server: Server; url: string; requests: () => number }> {
  const served = new WeakMap<Socket, number>();
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    if (n > 1) return req.socket.destroy();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ height: '1' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests: () => requests };
}

test('a GET whose keep-alive socket the node closes is sent again on a fresh one; a POST is not', async () => {
  const { server, url, requests } = await closingServer();
  try {
    const rpc = new RpcClient(url);
    for (let i = 0; i < 3; i++) assert.deepEqual(await rpc.get('/status'), { height: '1' });
    assert.ok(requests() > 3, `GETs met closing sockets and were sent again (${requests()} requests for 3 answers)`);
    await assert.rejects(rpc.post('/txs', { tx: '00' }), (e: RpcError) => e.code === 'E_UNAVAILABLE', 'a POST fails rather than being sent twice');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
