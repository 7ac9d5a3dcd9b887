/**
 * A full node (no validator key) that follows the chain by block sync runs the same post-commit
 * housekeeping as a validator (the one commit pipeline, node/services/importer.ts): transactions
 * that a synced block included leave its mempool, `/txs/<hash>` says committed, and the sender's
 * next transaction is admitted and relayed at the minimum fee instead of being treated as a
 * replacement of a stale pending one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeGenesis, makeTx, sendMsg, deterministicUser } from '../helpers/chain.ts';
import { startTestNode } from '../helpers/node.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { DEFAULT_CONFIG } from '../../node/config.ts';
import { until } from '../helpers/devnet.ts';
import { encode } from '../../protocol/encoding/cbor.ts';
import { P2PNetwork } from '../../node/p2p/network.ts';
import { createLogger } from '../../node/log.ts';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { NetInfo, Status } from '../../protocol/rpc-types.ts';

async function post(url: string, bytes: Uint8Array): Promise<{ status: number; body: { hash?: string; error?: { code: string; message: string } } }> {
  const res = await fetch(`${url}/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(bytes) }) });
  return { status: res.status, body: (await res.json()) as { hash?: string } };
}

async function get<T>(url: string, path: string): Promise<T> {
  return (await (await fetch(url + path)).json()) as T;
}

test('a full node drops synced transactions from its mempool and admits the next one', { timeout: 120_000 }, async () => {
  const [alice, bob] = [0, 1].map(deterministicUser);
  const key = devnetValidatorKey(0);
  const genesis = await makeGenesis([alice!, bob!], deterministicUser(1000), key);
  const p2p = (peers: string[]) => ({ ...DEFAULT_CONFIG.p2p, listen: ['/ip4/127.0.0.1/tcp/0'], peers });
  const validator = await startTestNode(genesis, key, { consensus: { ...DEFAULT_CONFIG.consensus, blockTimeMs: 200 }, p2p: p2p([]) });
  const full = await startTestNode(genesis, null, { p2p: p2p([validator.node.network!.multiaddrs()[0]!]) });
  try {
    const url = full.node.rpc!.url;
    await until('the full node to sync past height 2', async () => BigInt((await get<{ height: string }>(url, '/status')).height) >= 2n);
    await until('the gossip mesh', async () => (await get<{ peers: string[] }>(url, '/net')).peers.length === 1);
    await new Promise((r) => setTimeout(r, 1_500)); // gossipsub forms its mesh on a heartbeat
    // the operator's view of /net and /status: peers against the limit with the heights the syncer heard
    const peerId = validator.node.network!.peerId;
    await until("the validator's height as the full node heard it", async () => BigInt((await get<NetInfo>(url, '/net')).peerHeights?.[peerId] ?? '0') >= 2n);
    assert.equal((await get<NetInfo>(url, '/net')).maxPeers, DEFAULT_CONFIG.p2p.maxPeers);
    assert.equal((await get<Status>(url, '/status')).validatorAddress, null, 'a full node has no validator');

    for (const sequence of [0n, 1n, 2n]) {
      const bytes = makeTx(alice!, [sendMsg(bob!, 1_000n + sequence)], { sequence });
      const hash = toHex(decodeTx(bytes).hash);
      const posted = await post(url, bytes);
      assert.equal(posted.status, 202, `sequence ${sequence} admitted by the full node: ${JSON.stringify(posted.body)}`);
      await until(`sequence ${sequence} committed as seen by the full node`, async () => (await get<{ status: string }>(url, `/txs/${hash}`)).status === 'committed');
      const mempool = await get<{ txs: number }>(url, '/mempool');
      assert.equal(mempool.txs, 0, 'the included transaction left the full node mempool');
    }
    const account = await get<{ sequence: string }>(url, `/accounts/${alice!.address}`);
    assert.equal(account.sequence, '3');
  } finally {
    await full.stop();
    await validator.stop();
  }
});

test('a peer flooding well-formed but unfundable transactions is banned; none enters the mempool', { timeout: 120_000 }, async () => {
  const key = devnetValidatorKey(0);
  const genesis = await makeGenesis([deterministicUser(0)], deterministicUser(1000), key);
  const validator = await startTestNode(genesis, key, { consensus: { ...DEFAULT_CONFIG.consensus, blockTimeMs: 200 }, p2p: { ...DEFAULT_CONFIG.p2p, listen: ['/ip4/127.0.0.1/tcp/0'], peers: [] } });
  const network = validator.node.network!;
  const flooder = await P2PNetwork.start({
    key: await generateKeyPair('Ed25519'),
    config: { listen: ['/ip4/127.0.0.1/tcp/0'], peers: network.multiaddrs(), maxPeers: 10 },
    chainId: genesis.chainId,
    log: createLogger({ level: 'silent', format: 'json' }),
    handlers: { gossip: async () => 'ignore', status: () => ({ genesisHash: new Uint8Array(32), height: 0n, hash: new Uint8Array(32) }), blocks: async () => [], votes: () => ({ proposals: [], votes: [] }), artifact: () => null, epochProof: () => null },
  });
  try {
    await until('the flooder to connect', async () => network.peers().includes(flooder.peerId), 15_000);
    await new Promise((r) => setTimeout(r, 1_500)); // gossipsub mesh
    // valid signatures from accounts that hold nothing: each is refused with E_INSUFFICIENT_FUNDS
    const paupers = Array.from({ length: 300 }, (_, i) => deterministicUser(5_000 + i));
    for (const p of paupers) {
      if (network.isBanned(flooder.peerId)) break;
      await flooder.publish('txs', encode([makeTx(p, [sendMsg(deterministicUser(0), 1n)], { sequence: 0n })]));
    }
    await until('the flooder to be banned', async () => network.isBanned(flooder.peerId), 30_000);
    assert.equal(validator.node.services.mempool.size, 0);
  } finally {
    await flooder.stop();
    await validator.stop();
  }
});
