/**
 * The testnet harness's short scenario (docs/testnet.md): 4 validators and a full node in their own
 * network namespaces behind 100 ± 20 ms links, a transfer load, one validator killed with SIGKILL and
 * restarted, a 2/2 partition (the chain halts: no side has 2/3) healed, a hostile peer sending
 * junk, 64 transactions of 60 KB at once to v0 (the large-block attack of finding 1, which once
 * halted the chain for good), then a second signer double-signing with v3's key while v3 runs. The checker must find
 * the same blocks on every node, every accepted transaction committed everywhere or nowhere,
 * balances conserved, no honest validator jailed and no honest peer banned, the hostile peer
 * banned by all five nodes and v3 tombstoned; every recovery within the bound. Skipped where
 * network namespaces cannot be made (not root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { netnsUnavailable } from '../../node/testnet/netns.ts';
import { runTestnet, SCENARIOS } from '../../node/testnet/scenario.ts';
import { tempDir } from '../helpers/tmp.ts';

const why = netnsUnavailable();

test('testnet in namespaces: a kill, a 2/2 partition, a hostile peer, a flood of large transactions and a double signer under load, then the checker', { timeout: 300_000, skip: why ?? false }, async () => {
  const dir = tempDir('quarry-testnet-');
  try {
    const report = await runTestnet(SCENARIOS.short!(), { home: dir.path, progress: (m) => process.stdout.write(`# ${m}\n`) });
    const { check } = report;
    process.stdout.write(`# ${JSON.stringify({ recoveries: report.recoveries, accepted: check.accepted, committed: check.committed, replaced: check.replaced, refused: report.load.refused, heights: check.heights, hostileBans: check.hostileBans, floods: report.floods })}\n`);
    assert.deepEqual(report.recoveries.map((r) => r.step), ['restart v3', 'heal', 'hostile', 'flood v0 with 64 × 60 KB (drained)', 'double-sign v3 (tombstoned)']);
    for (const r of report.recoveries) assert.ok(r.seconds !== null, `${r.step} recovered`);
    assert.deepEqual(check.forks, []);
    assert.deepEqual(check.divergent, []);
    assert.ok(check.conservation.ok, `balances conserved: ${check.conservation.actual} vs ${check.conservation.expected}`);
    assert.deepEqual(check.jailed, []);
    assert.deepEqual(check.bans, [], 'no honest peer banned');
    assert.deepEqual(check.unpunished, [], 'the double signer is tombstoned');
    assert.equal(check.heights.length, 5, 'the full node is checked like the validators');
    assert.deepEqual(Object.values(check.hostileBans), [5], 'every node, the full node too, banned the hostile peer');
    assert.equal(report.floods[0]?.accepted, 64, 'the flood was admitted (a sender may queue 64)');
    assert.ok(check.accepted >= 50, `load ran (${check.accepted} accepted)`);
    // an accepted transaction either committed, or the sender re-signed its sequence after losing
    // sight of it (a killed node's mempool, the other side of a partition) and the chain kept one
    assert.deepEqual(check.lost, []);
    assert.equal(check.committed + check.replaced, check.accepted);
    assert.equal(new Set(check.heights).size <= 2, true, 'nodes end within a block of each other');
  } finally {
    dir.cleanup();
  }
});
