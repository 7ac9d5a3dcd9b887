/**
 * The light daemon's HTTP adapter (light/serve.ts) with a stand-in daemon: a failed light check
 * keeps its own code (HTTP 502), bad input is refused before the daemon is asked (400), and a
 * verified answer carries the header it was checked against. The daemon itself runs against real
 * epoch proofs in test/integration/epoch-proofs.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lightApi } from '../../light/serve.ts';
import { LightClientError } from '../../light/light-client.ts';
import type { Head, LightDaemon } from '../../light/daemon.ts';
import { encodeAddress } from '../../protocol/crypto/address.ts';

const head: Head = { epoch: 3n, height: 16n, hash: 'ab'.repeat(32), stateRoot: new Uint8Array(32).fill(1), txRoot: new Uint8Array(32), time: 1_700_000_000_000n };
const someone = encodeAddress(new Uint8Array(20).fill(7));

test('light API: verified answers carry their header; failed checks keep their codes; bad input is a 400', async () => {
  const asked: string[] = [];
  const daemon = {
    coldStartMs: 1234,
    head: () => head,
    header: () => head,
    validators: () => ({ epoch: 3n, members: [{ address: new Uint8Array(20).fill(7), power: 10n }] }),
    account: async (a: string) => (asked.push(a), { head, balance: 5n, sequence: 2n }),
    txInclusion: async () => {
      throw new LightClientError('E_LIGHT_TX', 'the transactions served for block 14 are not the ones its header commits to');
    },
    record: async () => {
      throw new LightClientError('E_LIGHT_STATE', 'state proof rejected');
    },
  } as unknown as LightDaemon;
  const app = lightApi(daemon, { chainId: 'quarry-test', genesisHash: '00'.repeat(32), source: () => 'http://127.0.0.1:1' });
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> & { error?: { code: string } } };
  };
  try {
    const account = await get(`/accounts/${someone}`);
    assert.equal(account.status, 200);
    assert.deepEqual(account.body, { address: someone, balance: '5', sequence: '2', verified: { epoch: '3', height: '16', header: head.hash, stateRoot: '01'.repeat(32), time: String(head.time) } });
    assert.deepEqual((await get('/validators')).body.members, [{ address: someone, power: '10' }]);
    assert.equal((await get('/status')).body.coldStartMs, 1234);
    for (const [url, status, code] of [
      [`/txs/${'cd'.repeat(32)}`, 502, 'E_LIGHT_TX'],
      [`/market/requests/${'cd'.repeat(32)}`, 502, 'E_LIGHT_STATE'],
      ['/txs/xyz', 400, 'E_BAD_REQUEST'],
      ['/market/requests/12', 400, 'E_BAD_REQUEST'],
      ['/headers/abc', 400, 'E_BAD_REQUEST'],
      ['/accounts/qry1bad', 400, 'E_DECODE'],
    ] as const) {
      const r = await get(url);
      assert.deepEqual([r.status, r.body.error?.code], [status, code], url);
    }
    assert.deepEqual(asked, [someone], 'a bad address never reaches the daemon');
  } finally {
    await app.close();
  }
});
