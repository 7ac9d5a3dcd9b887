/** The RPC surface of a real validator node: routes, errors, proofs, metrics and the event stream. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { readFileSync } from 'node:fs';
import { makeGenesis, makeTx, sendMsg, deterministicUser } from '../helpers/chain.ts';
import { startTestNode } from '../helpers/node.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { verifyAccountProof, type AccountProofJson } from '../../client/account-proof.ts';
import { DEFAULT_CONFIG } from '../../node/config.ts';

async function call(url: string, path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, init);
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

const until = async (cond: () => Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

test('RPC routes, error shapes, proofs, metrics and the WebSocket stream', { timeout: 120_000 }, async () => {
  const users = [0, 1].map(deterministicUser);
  const validator = devnetValidatorKey(0);
  const genesis = await makeGenesis(users, deterministicUser(1000), validator);
  const { node, stop } = await startTestNode(genesis, validator, {
    consensus: { ...DEFAULT_CONFIG.consensus, blockTimeMs: 100 },
    rpc: { listen: '127.0.0.1:0', maxBodyBytes: 4096 },
  });
  const url = node.rpc!.url;
  const ws = new WebSocket(url.replace('http', 'ws') + '/events?types=block,tx');
  const events: Array<{ type: string; [k: string]: unknown }> = [];
  ws.on('message', (m) => events.push(JSON.parse(m.toString())));
  try {
    await new Promise((r) => ws.once('open', r));
    await until(async () => BigInt((await call(url, '/status')).body.height) >= 2n);
    const status = (await call(url, '/status')).body;
    assert.equal(status.chainId, 'quarry-test-1');
    assert.equal(status.validator, true);
    assert.match(status.latestBlockHash, /^[0-9a-f]{64}$/);
    assert.match(status.consensus.step, /^(propose|prevote|precommit|commit)$/);
    assert.equal(status.validatorAddress, deterministicUser(1000).address, "the operator of this node's BLS key");

    const latest = await call(url, '/blocks/latest');
    assert.equal(latest.status, 200);
    assert.equal((await call(url, '/blocks/1')).body.header.height, '1');
    const [reward] = (await call(url, '/blocks/1')).body.events;
    assert.deepEqual([reward.type, reward.reward, reward.fees], ['block-reward', '1000000', '0'], 'block-level events are stored and served');
    const commit = await call(url, '/commits/1');
    assert.equal(commit.body.height, '1');

    // a transaction flows into a block and onto the event stream
    const [a, b] = users;
    const bytes = makeTx(a!, [sendMsg(b!, 12345n)], { sequence: 0n });
    const hash = toHex(decodeTx(bytes).hash);
    const posted = await call(url, '/txs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(bytes) }) });
    assert.deepEqual(posted, { status: 202, body: { hash, code: 'OK' } });
    await until(async () => (await call(url, `/txs/${hash}`)).body.status === 'committed');
    const found = (await call(url, `/txs/${hash}`)).body;
    assert.equal(found.result.code, 'OK');
    await until(async () => events.some((e) => e.type === 'tx' && e.hash === hash));
    assert.ok(events.some((e) => e.type === 'block'));
    assert.ok(!events.some((e) => e.type === 'pending-tx'), 'the types filter is honoured');

    // account with a proof, now and at an earlier height
    const acct = (await call(url, `/accounts/${b!.address}?prove=true`)).body as AccountProofJson;
    assert.equal(verifyAccountProof(acct).ok, true);
    assert.equal(BigInt(acct.balance), 1_000_000_000n + 12345n);
    const old = (await call(url, `/accounts/${b!.address}?prove=true&height=1`)).body as AccountProofJson;
    assert.equal(old.balance, '1000000000');
    assert.equal(verifyAccountProof(old).ok, true);
    const gen = (await call(url, `/accounts/${b!.address}?prove=true&height=0`)).body as AccountProofJson;
    assert.equal(verifyAccountProof(gen).ok, true);
    // any record with its SMT proof (the account's, here: the same key and value), and a tx's block transaction list
    const viaState = (await call(url, `/state-proofs?ns=account&id=${toHex(decodeAddress(b!.address))}&height=1`)).body;
    assert.deepEqual([viaState.proof.key, viaState.proof.value], [old.proof.key, old.proof.value]);
    const inclusion = (await call(url, `/txs/${hash}/inclusion`)).body as { height: string; index: number; hashes: string[] };
    assert.equal(inclusion.hashes[inclusion.index], hash);
    assert.equal(inclusion.height, found.height);

    assert.equal((await call(url, '/validators')).body.validators.length, 1);
    assert.equal((await call(url, '/mempool')).body.txs, 0);
    assert.equal((await call(url, '/params')).body.chain.minFeeRate, '1');
    const metrics = await call(url, '/metrics');
    assert.match(metrics.body, /quarry_height \d+/);
    assert.match(metrics.body, /quarry_txs_committed_total 1/);
    assert.match(metrics.body, /^quarry_process_cpu_seconds_total /m, 'process metrics under one quarry_ prefix');
    assert.doesNotMatch(metrics.body, /quarry_process_process_/);
    // what a CometBFT-style dashboard reads (docs/metrics.md), present after a few blocks
    const operator = deterministicUser(1000).address;
    for (const line of [
      /^quarry_block_txs \d+$/m,
      /^quarry_block_size_bytes \d+$/m,
      /^quarry_block_interval_seconds_bucket\{le="0\.1"\} \d+$/m, // buckets scale with the 100 ms block time
      /^quarry_consensus_block_round_count \d+$/m,
      /^quarry_consensus_height [1-9]\d*$/m,
      /^quarry_consensus_round \d+$/m,
      /^quarry_consensus_round_duration_seconds_count [1-9]\d*$/m, // every decided round
      /^quarry_consensus_block_execution_seconds_count\{phase="build"\} [1-9]\d*$/m, // the only validator builds every block
      new RegExp(`^quarry_validator_power\\{validator="${operator}"\\} 100$`, 'm'),
      new RegExp(`^quarry_validator_missed_blocks\\{validator="${operator}"\\} 0$`, 'm'),
      new RegExp(`^quarry_validator_jailed\\{validator="${operator}"\\} 0$`, 'm'),
      /^quarry_consensus_missing_validators 0$/m,
      /^quarry_p2p_peers \d+$/m,
      /^quarry_sync_catching_up 0$/m,
      /^quarry_market_open_requests 0$/m,
      /^quarry_epoch_proof_lag -1$/m,
      /^quarry_rpc_request_duration_seconds_count\{route="\/status"\} [1-9]\d*$/m,
    ]) assert.match(metrics.body, line);
    // the Grafana dashboard in docs/ reads only metrics the node serves
    const dashboard = readFileSync(new URL('../../docs/grafana-node.json', import.meta.url), 'utf8');
    for (const name of new Set(dashboard.match(/quarry_[a-z0-9_]+/g))) assert.ok(metrics.body.includes(`# TYPE ${name.replace(/_(bucket|sum|count)$/, '')} `), `the dashboard reads ${name}`);

    // errors: JSON {error:{code,message}} with the right status, and the node carries on
    const errors: Array<[string, RequestInit | undefined, number, string]> = [
      ['/blocks/999999', undefined, 404, 'E_NOT_FOUND'],
      ['/blocks/abc', undefined, 400, 'E_BAD_REQUEST'],
      ['/txs/zz', undefined, 400, 'E_BAD_REQUEST'],
      [`/txs/${'0'.repeat(64)}`, undefined, 404, 'E_NOT_FOUND'],
      [`/txs/${'0'.repeat(64)}/inclusion`, undefined, 404, 'E_NOT_FOUND'],
      ['/state-proofs?ns=Account&id=00', undefined, 400, 'E_BAD_REQUEST'],
      ['/state-proofs?ns=account&id=0g', undefined, 400, 'E_BAD_REQUEST'],
      ['/accounts/qry1xyz', undefined, 400, 'E_DECODE'],
      [`/accounts/${b!.address}?height=99999999`, undefined, 404, 'E_NOT_FOUND'],
      ['/nope', undefined, 404, 'E_NOT_FOUND'],
      ['/txs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tx": 5}' }, 400, 'E_BAD_REQUEST'],
      ['/txs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }, 400, 'E_BAD_REQUEST'],
      ['/txs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: 'ab'.repeat(5000) }) }, 413, 'E_TOO_LARGE'],
      ['/txs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: 'xyz' }) }, 400, 'E_DECODE'],
      ['/txs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(bytes) }) }, 409, 'E_SEQUENCE'],
    ];
    for (const [path, init, status, code] of errors) {
      const r = await call(url, path, init);
      assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code, path);
      assert.ok(r.body.error.message.length > 0);
    }
    assert.deepEqual((await call(url, '/mempool')).body.rejected, { E_SEQUENCE: 1 }, 'refusals by the mempool, by code (decoding failures never reach it)');
    const h1 = BigInt((await call(url, '/status')).body.height);
    await until(async () => BigInt((await call(url, '/status')).body.height) > h1);
  } finally {
    ws.close();
    await stop();
  }
});
