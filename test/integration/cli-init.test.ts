/**
 * `quarry init` sets a node's ports and peers: a validator and a full node initialized on one
 * machine with --rpc-port/--p2p-port (and --peers, from the address the first init printed) start
 * side by side without editing config.json, and the full node syncs the validator's blocks. Bad
 * flags are refused before anything is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryProcess, freePort, runQuarry } from '../helpers/proc.ts';
import { tempDir } from '../helpers/tmp.ts';
import { until } from '../helpers/devnet.ts';
import { RpcClient } from '../../client/rpc.ts';

test('init --rpc-port --p2p-port --peers: a second node on the same machine joins without editing config', { timeout: 180_000 }, async () => {
  const dir = tempDir();
  const [a, b] = [join(dir.path, 'a'), join(dir.path, 'b')];
  const [rpcA, p2pA, rpcB, p2pB] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const procs: QuarryProcess[] = [];
  try {
    // refused before anything is written
    for (const [args, message] of [
      [['--rpc-port', '70000'], /--rpc-port must be an integer from 1 to 65535/],
      [['--p2p-port', 'x'], /--p2p-port must be an integer/],
      [['--peers', '127.0.0.1:26656'], /--peers: "127.0.0.1:26656" is not a peer address/],
      [['--no-validator'], /a new chain needs a validator/],
    ] as const) {
      const r = await runQuarry(['--home', b, 'init', ...args]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^error: E_CONFIG: .+\n$/);
      assert.match(r.stderr, message);
      assert.equal(existsSync(b), false, `nothing written for ${args.join(' ')}`);
    }

    const initA = await runQuarry(['--home', a, 'init', '--chain-id', 'two-nodes-1', '--rpc-port', String(rpcA), '--p2p-port', String(p2pA)]);
    assert.equal(initA.code, 0, initA.stderr);
    assert.match(initA.stdout, new RegExp(`rpc +http://127\\.0\\.0\\.1:${rpcA}\\n`));
    const peerA = initA.stdout.match(/p2p +(\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+)/)![1]!;
    assert.ok(peerA.startsWith(`/ip4/127.0.0.1/tcp/${p2pA}/p2p/`), peerA);

    const initB = await runQuarry(['--home', b, 'init', '--genesis', join(a, 'genesis.json'), '--no-validator', '--rpc-port', String(rpcB), '--p2p-port', String(p2pB), '--peers', peerA]);
    assert.equal(initB.code, 0, initB.stderr);
    const config = JSON.parse(readFileSync(join(b, 'config.json'), 'utf8')) as { rpc: { listen: string }; p2p: { listen: string[]; peers: string[] } };
    assert.equal(config.rpc.listen, `127.0.0.1:${rpcB}`);
    assert.deepEqual(config.p2p.listen, [`/ip4/127.0.0.1/tcp/${p2pB}`]);
    assert.deepEqual(config.p2p.peers, [peerA]);

    procs.push(new QuarryProcess(['--home', a, 'node', 'start', '--block-time', '200', '--log-format', 'json']));
    procs.push(new QuarryProcess(['--home', b, 'node', 'start', '--log-format', 'json']));
    const full = new RpcClient(`http://127.0.0.1:${rpcB}`, 2_000);
    await until('the full node to sync 3 blocks from the validator', async () => BigInt((await full.get<{ height: string }>('/status')).height) >= 3n, 120_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- a ---\n${procs[0]?.output.slice(-1500)}\n--- b ---\n${procs[1]?.output.slice(-1500)}`, { cause: err });
  } finally {
    await Promise.all(procs.map((p) => p.kill('SIGTERM')));
    dir.cleanup();
  }
});
