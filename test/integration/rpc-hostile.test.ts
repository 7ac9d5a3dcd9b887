/**
 * Issue #16 findings 8 and 9 as the auditor acted, against a real validator node: malformed
 * requests of every kind answer the `{error: {code, message}}` envelope with a stable code and the
 * right status (and the node keeps finalizing); the event stream is capped and fans out from one
 * listener; junk artifact uploads stay within the staging caps while a registered circuit's
 * artifacts survive and are served byte for byte.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { makeGenesis, makeTx, deterministicUser } from '../helpers/chain.ts';
import { startTestNode } from '../helpers/node.ts';
import { PREIMAGE } from '../helpers/market.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { sha256 } from '../../node/crypto/hash.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { DEFAULT_CONFIG } from '../../node/config.ts';

type Envelope = { error: { code: string; message: string } };
const CAP = 12; // above EventEmitter's default of 10 listeners, where the old per-socket listeners warned
const STAGED = { maxStagedArtifacts: 3, maxStagedArtifactBytes: 64 * 1024 };
const IN_FLIGHT = 6;

async function call(url: string, path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url + path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

/** Writes raw bytes to the RPC port and returns the status and body the server answers. */
function raw(url: string, request: string): Promise<{ status: number; body: Envelope }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let text = '';
    socket.on('data', (d) => (text += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: JSON.parse(body) });
    });
  });
}

/** Opens a WebSocket: the socket once upgraded, else the HTTP answer that refused it. */
function subscribe(url: string, query: string): Promise<{ ws: WebSocket } | { status: number; body: Envelope }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/events${query}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
  });
}

const until = async (cond: () => Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

const assertEnvelope = (r: { status: number; body: unknown }, status: number, code: string, what: string) => {
  assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
  const e = (r.body as Envelope).error;
  assert.equal(e?.code, code, what);
  assert.ok(e.message.length > 0, what);
};

test('hostile RPC: error envelopes, repeated query keys, the WebSocket cap, artifact quota', { timeout: 60_000 }, async (t) => {
  const users = [0, 1].map(deterministicUser);
  const validator = devnetValidatorKey(0);
  const genesis = await makeGenesis(users, deterministicUser(1000), validator);
  const { node, stop } = await startTestNode(genesis, validator, {
    consensus: { ...DEFAULT_CONFIG.consensus, blockTimeMs: 100 },
    p2p: { ...DEFAULT_CONFIG.p2p, enabled: false },
    rpc: { maxBodyBytes: 4096, maxSubscribers: CAP, maxInFlight: IN_FLIGHT, ...STAGED },
  });
  const url = node.rpc!.url;
  const height = async () => BigInt((await call(url, '/status')).body.height);
  try {
    await until(async () => (await height()) >= 1n);
    const addr = users[0]!.address;

    await t.test('malformed requests answer the envelope', async () => {
      const json = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const typed = (type: string): RequestInit => ({ method: 'POST', headers: { 'content-type': type }, body: 'x' });
      const cases: Array<[string, RequestInit | undefined, number, string]> = [
        // fastify's own errors
        ['/blocks/%zz', undefined, 400, 'E_BAD_REQUEST'],
        ['/%E0%A4%A', undefined, 400, 'E_BAD_REQUEST'],
        [`/blocks/${'1'.repeat(200)}`, undefined, 400, 'E_BAD_REQUEST'],
        [`/txs/${'ab'.repeat(80)}`, undefined, 400, 'E_BAD_REQUEST'],
        ['/txs', json('{not json'), 400, 'E_BAD_REQUEST'],
        ['/txs', json(''), 400, 'E_BAD_REQUEST'],
        ['/txs', typed('text/plain'), 415, 'E_UNSUPPORTED_MEDIA'],
        ['/txs', typed('application/xml'), 415, 'E_UNSUPPORTED_MEDIA'],
        ['/txs', json(JSON.stringify({ tx: 'ab'.repeat(3000) })), 413, 'E_TOO_LARGE'],
        ['/nope/%zz', undefined, 400, 'E_BAD_REQUEST'],
        // the event stream without a WebSocket upgrade
        ['/events', undefined, 426, 'E_UPGRADE_REQUIRED'],
        ['/events?types=block', undefined, 426, 'E_UPGRADE_REQUIRED'],
        // query values
        ['/market/requests?limit=abc', undefined, 400, 'E_BAD_REQUEST'],
        ['/market/requests?limit=0', undefined, 400, 'E_BAD_REQUEST'],
        ['/market/requests?limit=-1', undefined, 400, 'E_BAD_REQUEST'],
        ['/market/requests?limit=1.5', undefined, 400, 'E_BAD_REQUEST'],
        ['/market/requests?limit=100000', undefined, 400, 'E_BAD_REQUEST'],
        ['/market/requests?status=nope', undefined, 400, 'E_BAD_REQUEST'],
        ['/market/requests?prover=qry1nope', undefined, 400, 'E_DECODE'],
        ['/market/asks?circuit=zz', undefined, 400, 'E_BAD_REQUEST'],
        [`/accounts/${addr}?prove=maybe`, undefined, 400, 'E_BAD_REQUEST'],
        [`/accounts/${addr}?height=-1`, undefined, 400, 'E_BAD_REQUEST'],
        ['/events?types=block,nope', undefined, 400, 'E_BAD_REQUEST'],
        // repeated query keys
        ['/market/requests?limit=1&limit=2', undefined, 400, 'E_BAD_REQUEST'],
        ['/market/requests?prover=a&prover=b', undefined, 400, 'E_BAD_REQUEST'],
        [`/accounts/${addr}?height=1&height=1`, undefined, 400, 'E_BAD_REQUEST'],
        ['/events?types=block&types=tx', undefined, 400, 'E_BAD_REQUEST'],
        // path values
        ['/market/requests/zz', undefined, 400, 'E_BAD_REQUEST'],
        ['/market/circuits/zz', undefined, 400, 'E_BAD_REQUEST'],
        ['/market/provers/qry1nope', undefined, 400, 'E_DECODE'],
        ['/staking/delegations/qry1nope', undefined, 400, 'E_DECODE'],
        ['/solutions/zz', undefined, 400, 'E_BAD_REQUEST'],
        ['/epochs/x', undefined, 400, 'E_BAD_REQUEST'],
        ['/epoch-proofs/-1', undefined, 400, 'E_BAD_REQUEST'],
        ['/headers/1e3', undefined, 400, 'E_BAD_REQUEST'],
        ['/commits/0x1', undefined, 400, 'E_BAD_REQUEST'],
        [`/artifacts/${'AB'.repeat(32)}`, undefined, 400, 'E_BAD_REQUEST'],
        [`/artifacts/${'00'.repeat(32)}`, undefined, 404, 'E_NOT_FOUND'],
      ];
      for (const [path, init, status, code] of cases) assertEnvelope(await call(url, path, init), status, code, `${init?.method ?? 'GET'} ${path}`);
      // requests that are not even HTTP
      const rawCases: Array<[string, string, number, string]> = [
        ['a header line without a colon', 'GET /status HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400, 'E_BAD_REQUEST'],
        ['a request line with spaces in the path', 'GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'E_BAD_REQUEST'],
        ['32 KiB of headers', `GET /status HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`, 413, 'E_TOO_LARGE'],
        ['a bad URL on a kept-alive connection', 'GET /blocks/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 400, 'E_BAD_REQUEST'],
      ];
      for (const [what, request, status, code] of rawCases) assertEnvelope(await raw(url, request), status, code, what);
    });

    await t.test('in-flight cap: requests that never finish their body hold the slots, the next is refused at once, aborting frees them', async () => {
      const { hostname, port } = new URL(url);
      const slow = Array.from({ length: IN_FLIGHT }, () => {
        const req = request({ host: hostname, port, method: 'POST', path: '/txs', headers: { 'content-type': 'application/json', 'content-length': '100' } });
        req.on('error', () => undefined);
        req.write('{'); // 1 of 100 bytes: the body never completes
        return req;
      });
      await until(async () => (await call(url, '/status')).status === 503);
      assertEnvelope(await call(url, '/status'), 503, 'E_UNAVAILABLE', 'past rpc.maxInFlight');
      for (const req of slow) req.destroy();
      await until(async () => (await call(url, '/status')).status === 200);
    });

    await t.test('a WebSocket upgrade with a bad filter is refused with the envelope', async () => {
      for (const query of ['?types=block&types=tx', '?types=nope']) {
        const r = await subscribe(url, query);
        assert.ok(!('ws' in r), query);
        assertEnvelope(r, 400, 'E_BAD_REQUEST', query);
      }
    });

    await t.test('WebSocket cap: one listener fans out, the socket past the cap is refused, a freed slot lets one in', async () => {
      const listeners = node.services.events.listenerCount('block');
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      let sockets: WebSocket[] = [];
      try {
        // a burst of CAP + 8 at once: exactly CAP stay and stream, the rest are refused
        const burst = await Promise.all(Array.from({ length: CAP + 8 }, () => subscribe(url, '?types=block')));
        const opened = burst.flatMap((r) => ('ws' in r ? [r.ws] : []));
        sockets = opened;
        const fate = await Promise.all(opened.map((ws) => new Promise<'streams' | 'closed'>((r) => (ws.once('message', () => r('streams')), ws.once('close', () => r('closed'))))));
        sockets = opened.filter((_, i) => fate[i] === 'streams');
        assert.equal(sockets.length, CAP, 'every subscriber within the cap gets the next block');
        for (const r of burst) if (!('ws' in r)) assertEnvelope(r, 503, 'E_UNAVAILABLE', 'refused in the burst');
        assert.equal(node.services.events.listenerCount('block'), listeners, 'no listener per socket');
        const over = await subscribe(url, '?types=block');
        assert.ok(!('ws' in over), 'the socket past the cap is refused');
        assertEnvelope(over, 503, 'E_UNAVAILABLE', 'past the cap');
        assert.match(over.body.error.message, /rpc\.maxSubscribers/);

        sockets.shift()!.close();
        await until(async () => {
          const r = await subscribe(url, '?types=block');
          if ('ws' in r) sockets.push(r.ws);
          return 'ws' in r;
        });
        assert.ok(!('ws' in (await subscribe(url, ''))), 'full again');
        assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning'), []);
      } finally {
        process.off('warning', onWarning);
        for (const ws of sockets) ws.close();
      }
    });

    await t.test('artifact quota: junk stays within the staging caps; a registered circuit keeps its artifacts', async () => {
      const put = (bytes: Uint8Array) => call(url, '/artifacts', { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
      const served = async (bytes: Uint8Array) => {
        const res = await fetch(`${url}/artifacts/${toHex(sha256(bytes))}`);
        if (res.status === 404) return false;
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-length'), String(bytes.length));
        assert.deepEqual(new Uint8Array(await res.arrayBuffer()), bytes, 'the same bytes');
        return true;
      };
      let sequence = 0n;
      const register = async (wasm: Uint8Array, zkey: Uint8Array) => {
        const msg = { type: 'market/register-circuit', name: `junk-${sequence}`, vk: PREIMAGE.vk, wasmHash: sha256(wasm), zkeyHash: sha256(zkey), nOutputs: PREIMAGE.nOutputs, publicInputs: PREIMAGE.publicInputs } as AnyMsg;
        const bytes = makeTx(users[0]!, [msg], { sequence: sequence++, fee: 1_000_000n });
        const hash = toHex(decodeTx(bytes).hash);
        assert.equal((await call(url, '/txs', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })).status, 202);
        await until(async () => (await call(url, `/txs/${hash}`)).body.status === 'committed');
        assert.equal((await call(url, `/txs/${hash}`)).body.result.code, 'OK');
      };

      const [wasm, zkey] = [randomBytes(20 * 1024), randomBytes(30 * 1024)].map((b) => new Uint8Array(b));
      for (const a of [wasm!, zkey!]) assert.deepEqual((await put(a)).body, { hash: toHex(sha256(a)) });
      assert.equal(await served(wasm!), true);
      await register(wasm!, zkey!);

      const junk = Array.from({ length: 6 }, () => new Uint8Array(randomBytes(10 * 1024)));
      for (const j of junk) assert.equal((await put(j)).status, 201);
      assert.deepEqual(await Promise.all(junk.map(served)), [false, false, false, true, true, true], 'three staged, oldest out');
      assert.equal(await served(wasm!), true, 'registered artifacts survive the flood');
      assert.equal(await served(zkey!), true);

      assertEnvelope(await put(new Uint8Array(randomBytes(65 * 1024))), 413, 'E_TOO_LARGE', 'larger than the staging byte cap');
      const big = new Uint8Array(randomBytes(40 * 1024));
      assert.equal((await put(big)).status, 201);
      assert.deepEqual(await Promise.all([...junk.slice(3), big].map(served)), [false, true, true, true], 'the byte cap evicted the oldest');

      // an evicted upload registered later is kept once uploaded again
      await register(junk[0]!, junk[1]!);
      for (const j of junk.slice(0, 2)) assert.equal((await put(j)).status, 201);
      for (let i = 0; i < 4; i++) assert.equal((await put(new Uint8Array(randomBytes(1024)))).status, 201);
      assert.deepEqual(await Promise.all([junk[0]!, junk[1]!, big].map(served)), [true, true, false]);
    });

    const h = await height();
    await until(async () => (await height()) > h + 2n);
  } finally {
    await stop();
  }
});
