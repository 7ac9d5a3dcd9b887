/**
 * Four validator processes over real libp2p on loopback: the chain commits; with one killed it
 * keeps committing; with two killed it halts without any conflicting commit; restarted, it
 * resumes; and a fresh full node syncs from genesis to the same state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { startTestDevnet, until } from '../helpers/devnet.ts';
import { QuarryProcess } from '../helpers/proc.ts';
import { writeDefaultConfig } from '../../node/config.ts';
import { RpcClient } from '../../client/rpc.ts';

test('4 validators: tolerate 1 down, halt safely with 2 down, resume, and a full node syncs', { timeout: 420_000 }, async () => {
  const net = await startTestDevnet({ validators: 4 });
  let full: QuarryProcess | null = null;
  try {
    await until('blocks on every validator', async () => (await Promise.all([0, 1, 2, 3].map(net.height))).every((h) => h >= 5n));

    // one validator down: the other three (75 % of the power) keep committing
    await net.devnet.kill('v3');
    const h1 = await net.height(0);
    await until('progress with v3 down', async () => (await net.height(0)) >= h1 + 5n);

    // two down: 50 % of the power cannot commit; the chain halts instead of forking
    await net.devnet.kill('v2');
    await new Promise((r) => setTimeout(r, 3_000)); // let a block already in flight finish
    const halted = [await net.height(0), await net.height(1)];
    await new Promise((r) => setTimeout(r, 8_000));
    assert.deepEqual([await net.height(0), await net.height(1)], halted, 'no block without a 2/3 quorum');

    // restart both: the network resumes
    net.devnet.startNode(2);
    net.devnet.startNode(3);
    await until('progress after the restart', async () => (await net.height(0)) >= halted[0]! + 5n, 120_000);
    await until('every validator caught up', async () => (await Promise.all([1, 2, 3].map(net.height))).every((h) => h >= halted[0]! + 3n), 120_000);

    // no two validators ever committed different blocks at one height
    const top = await Promise.all([0, 1, 2, 3].map(net.height));
    const common = top.reduce((a, b) => (a < b ? a : b));
    for (let h = 1n; h <= common; h++) {
      const hashes = await Promise.all([0, 1, 2, 3].map(async (i) => (await net.rpc(i).get<{ hash: string }>(`/blocks/${h}`)).hash));
      assert.equal(new Set(hashes).size, 1, `conflicting commits at height ${h}`);
    }

    // a fresh full node (no validator key) syncs from genesis, verifying every commit
    const home = join(net.devnet.o.home, 'full');
    mkdirSync(home, { recursive: true });
    copyFileSync(join(net.devnet.nodes[0]!.home, 'genesis.json'), join(home, 'genesis.json'));
    writeDefaultConfig(home, { rpc: { listen: '127.0.0.1:0' }, p2p: { listen: ['/ip4/127.0.0.1/tcp/0'], peers: net.devnet.nodes.map((n) => n.p2p) } });
    full = new QuarryProcess(['--home', home, 'node', 'start', '--log-format', 'json']);
    const url = (await full.waitFor(/"rpc":"(http:\/\/[^"]+)"/, 60_000))[1]!;
    const fullRpc = new RpcClient(url);
    const target = await net.height(0);
    await until('the full node to sync', async () => BigInt((await fullRpc.get<{ height: string }>('/status')).height) >= target, 120_000);
    const a = await fullRpc.get<{ header: { stateRoot: string } }>(`/blocks/${target}`);
    const b = await net.rpc(0).get<{ header: { stateRoot: string } }>(`/blocks/${target}`);
    assert.equal(a.header.stateRoot, b.header.stateRoot, 'the synced full node agrees on the state root');
    assert.equal((await fullRpc.get<{ validator: boolean }>('/status')).validator, false);
    writeFileSync(join(net.devnet.o.home, 'ok'), 'done');
  } finally {
    await full?.kill('SIGTERM');
    await net.cleanup();
  }
});
