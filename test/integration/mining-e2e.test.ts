/**
 * End to end with real processes: a validator node and `quarry node mine` on the small circuit.
 * Solutions land in blocks and pay the prover, the event stream reports them, a non-canonical
 * solution is refused over RPC, and the miner survives a node restart.
 */
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { QuarryProcess, freePort } from '../helpers/proc.ts';
import { tempDir } from '../helpers/tmp.ts';
import { makeGenesis, deterministicUser } from '../helpers/chain.ts';
import { puzzleFixtures } from '../helpers/puzzle.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { genesisToJson } from '../../node/genesis.ts';
import { writeDefaultConfig } from '../../node/config.ts';
import { saveAccountKey, saveValidatorKey } from '../../node/crypto/keyfile.ts';
import { RpcClient } from '../../client/rpc.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { canonicalBlinding, FR } from '../../puzzle/field.ts';
import { encodeProof } from '../../protocol/proof-codec.ts';
import { signSolution } from '../../puzzle/solution.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';

const until = async (what: string, cond: () => Promise<boolean>, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

test('devnet validator + miner: solutions are paid, bad ones refused, the miner survives a restart', { timeout: 240_000 }, async () => {
  const dir = tempDir();
  const home = join(dir.path, 'home');
  const miner = deterministicUser(500);
  const validator = devnetValidatorKey(0);
  const genesis = await makeGenesis([deterministicUser(0)], deterministicUser(1000), validator, {}, { initialCoinbaseTarget: 4n, minCoinbaseTarget: 4n, targetShift: 1n });
  mkdirSync(home, { recursive: true });
  writeDefaultConfig(home, { consensus: { blockTimeMs: 300 } });
  writeFileSync(join(home, 'genesis.json'), JSON.stringify(genesisToJson(genesis)));
  saveValidatorKey(home, validator);
  saveAccountKey(home, miner);
  const port = await freePort(); // fixed, so the restarted node is where the miner looks for it
  const startNode = () => new QuarryProcess(['--home', home, 'node', 'start', '--rpc-listen', `127.0.0.1:${port}`, '--log-format', 'json']);
  let node = startNode();
  let mine: QuarryProcess | null = null;
  try {
    const url = (await node.waitFor(/"rpc":"(http:\/\/[^"]+)"/, 60_000))[1]!;
    const rpc = new RpcClient(url);
    const events: Array<{ type: string; address?: string }> = [];
    const ws = new WebSocket(url.replace('http', 'ws') + '/events?types=solution,pending-solution');
    ws.on('message', (m) => events.push(JSON.parse(m.toString())));
    mine = new QuarryProcess(['--home', home, 'node', 'mine', '--rpc', url, '--address', miner.address, '--threads', '1', '--metrics-listen', '127.0.0.1:0', '--log-format', 'json']);
    const balance = async () => BigInt((await rpc.get<{ balance: string }>(`/accounts/${miner.address}`)).balance);
    await until('a paid solution', async () => (await balance()) > 0n);
    assert.ok(events.some((e) => e.type === 'solution' && e.address === miner.address), 'the event stream reported the payment');
    assert.ok(events.some((e) => e.type === 'pending-solution'));
    // the miner's own metrics and JSON log lines (docs/metrics.md §miner)
    const metricsUrl = (await mine.waitFor(/"msg":"metrics at (http:\/\/[^"]+)"/))[1]!;
    await until('the miner counting its payment', async () => /^quarry_miner_solutions\{outcome="paid"\} [1-9]/m.test(await (await fetch(metricsUrl)).text()));
    const text = await (await fetch(metricsUrl)).text();
    for (const name of ['quarry_miner_connected 1', 'quarry_miner_proofs_per_second', 'quarry_miner_earned_uqry']) assert.ok(text.includes(name), name);
    // the miner's Grafana dashboard reads only what a miner serves (market series only with --ask: documented)
    const dashboard = readFileSync(new URL('../../docs/grafana-miner.json', import.meta.url), 'utf8');
    const documented = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    for (const name of new Set(dashboard.match(/quarry_miner_[a-z0-9_]+/g))) {
      if (name.includes('_market_')) assert.ok(documented.includes(`\`${name}`), `the dashboard reads ${name}, documented for --ask`);
      else assert.ok(text.includes(`# TYPE ${name} `), `the dashboard reads ${name}`);
    }
    for (const line of mine.output.split('\n').filter((l) => l.trim())) assert.doesNotThrow(() => JSON.parse(line), `a JSON log line: ${line}`);
    const puzzle = await rpc.get<{ epoch: string; challenge: string; proofTarget: string; circuit: string }>('/puzzle');
    assert.equal(puzzle.circuit, 'posw-small');

    // a non-canonical solution is refused over RPC with its code, and nothing is paid for it
    const { prover, circuit } = await puzzleFixtures();
    const st = { challenge: BigInt(puzzle.challenge), address: decodeAddress(miner.address), nonce: 1n << 60n };
    const { r, s } = canonicalBlinding(circuit.id, st);
    const shifted = encodeProof(prover.toAffine(prover.proveWith(await prover.witness(st), (r + 1n) % FR, s)));
    const bad = signSolution('quarry-test-1', { epoch: BigInt(puzzle.epoch), address: st.address, nonce: st.nonce, proof: shifted }, miner.secretKey, miner.publicKey);
    await assert.rejects(rpc.post('/solutions', { solution: toHex(bad) }), (e: { code?: string }) => ['E_NOT_CANONICAL', 'E_BELOW_TARGET', 'E_WRONG_EPOCH'].includes(e.code!));
    ws.close();

    // restart the node: the same miner process reconnects and gets paid again
    const paidBefore = await balance();
    await node.kill('SIGTERM');
    await mine.waitFor(/lost the node/, 30_000);
    node = startNode();
    await node.waitFor(/"rpc":"(http:\/\/[^"]+)"/, 60_000);
    await until('the miner to reconnect', async () => /connected to .*\n[\s\S]*lost the node[\s\S]*connected to/.test(mine!.output));
    await until('a payment after the restart', async () => (await balance()) > paidBefore);
  } finally {
    await mine?.kill('SIGTERM');
    await node.kill('SIGTERM');
    dir.cleanup();
  }
});
