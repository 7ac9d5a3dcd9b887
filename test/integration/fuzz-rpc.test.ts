/**
 * Mutation fuzzing of the RPC (issue #16): HTTP requests to every route through the real server
 * (fastify inject) and WebSocket handshakes and frames on the /events stream (a real socket).
 * Every answer is 2xx JSON or the documented error envelope; a socket is kept, refused with the
 * envelope, or closed with a documented code; nothing changes the state, no subscriber is leaked
 * and the node still answers. `npm test` runs a smoke size; `npm run fuzz` 100,000 per HTTP
 * surface (FUZZ_N, FUZZ_WS_N, FUZZ_SEED; FUZZ_ONLY=rpc-txs,events-frames picks surfaces).
 * Failures print the input: keep it in test/fuzz/corpus/<surface>/ once the node is fixed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { startRpcFixture } from '../fuzz/rpc-node.ts';
import { rpcSurfaces } from '../fuzz/rpc-surfaces.ts';
import { fuzzRequests, within, type RequestSurface } from '../fuzz/rpc-runner.ts';
import { requestFor, ROUTES } from '../fuzz/rpc-requests.ts';
import { wsSurfaces } from '../fuzz/ws-surfaces.ts';
import { Rng } from '../helpers/rng.ts';

const N = Number(process.env.FUZZ_N ?? 300);
const WS_N = Number(process.env.FUZZ_WS_N ?? (process.env.FUZZ_N ? Math.ceil(N / 10) : 200));
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const ONLY = process.env.FUZZ_ONLY?.split(',');

test(`RPC fuzzing: ${N} mutated requests per HTTP surface, ${WS_N} per WebSocket surface`, { timeout: 24 * 3600_000 }, async (t) => {
  const f = await startRpcFixture();
  try {
    const { chain } = f.node.services;
    const root = toHex(await chain.state.rootHashAt(chain.head.height));
    const server = f.node.rpc!;

    await t.test('the route table is the server’s', async () => {
      for (const r of ROUTES) {
        const res = await server.inject({ method: r.method, url: requestFor(new Rng(1), f, r, true).url });
        assert.doesNotMatch(res.body, /"no route /, `${r.method} ${r.path} is routed`);
      }
    });

    const run = async <T>(s: RequestSurface<T>, n: number, i: number) => {
      await t.test(s.name, { skip: ONLY !== undefined && !ONLY.includes(s.name) }, async () => {
        const started = process.hrtime.bigint();
        const stats = await fuzzRequests(s, n, SEED + i);
        const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
        console.log(`fuzz ${s.name}: ${stats.runs} inputs, ${stats.accepted} accepted, ${JSON.stringify(stats.codes)} in ${ms} ms`);
        assert.ok(stats.accepted >= 1, 'valid seeds are accepted');
        if (n > 0) assert.ok(stats.runs > stats.accepted, 'mutations are refused');
      });
    };
    for (const [i, s] of rpcSurfaces(f).entries()) await run(s, N, i);
    const listeners = f.node.services.events.listenerCount('block');
    for (const [i, s] of wsSurfaces(server.url).entries()) await run(s, WS_N, 100 + i);

    await t.test('every subscriber is forgotten, no listener leaks', async () => {
      const subscribers = async () => (await f.node.services.metrics.rpcSubscribers.get()).values[0]?.value ?? 0;
      for (let i = 0; i < 100 && (await subscribers()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await subscribers(), 0);
      assert.equal(f.node.services.events.listenerCount('block'), listeners);
    });

    await t.test('nothing changed the state and the node answers', async () => {
      assert.equal(chain.head.height, f.head);
      assert.equal(toHex(await chain.state.rootHashAt(chain.head.height)), root);
      assert.equal((await fetch(`${server.url}/status`)).status, 200, 'a real socket, not only inject');
    });
  } finally {
    // a socket the server forgot to end (an upgrade it refused) keeps close() waiting for good
    await within(f.stop(), 10_000, 'node.stop()');
  }
});
