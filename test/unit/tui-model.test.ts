/** The dashboard's pure model: events folded in order, sparkline, fee levels, proving-rate estimate, top provers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvent, blockIntervals, emptyModel, feeLevels, networkProofsPerSecond, solutionsPerBlock, sparkline, topProvers } from '../../tui/model.ts';
import type { PuzzleState } from '../../protocol/rpc-types.ts';

const block = (h: number, time: number) => ({ type: 'block' as const, height: String(h), hash: 'ab', time: String(time), txs: 0, proposer: 'qry1p' });
const solution = (h: number, address: string, reward: number) => ({ type: 'solution' as const, id: `${h}${address}`, address, reward: String(reward), height: String(h) });

test('blocks fold in height order without duplicates; intervals and sparkline follow', () => {
  let m = emptyModel('http://x');
  for (const [h, t] of [[2, 2000], [1, 1000], [3, 3500], [3, 3500], [4, 4000]] as const) m = applyEvent(m, block(h, t), 0);
  assert.deepEqual(m.blockTimes.map((b) => b.height), [1n, 2n, 3n, 4n]);
  assert.deepEqual(blockIntervals(m), [1000, 1500, 500]);
  assert.equal(sparkline([1000, 1500, 500], 10), '▅█▃');
  assert.equal(sparkline([0, 0], 10), '▁▁');
  assert.equal(sparkline([1, 2, 3, 4], 2), '▆█', 'only the last width values');
});

test('fee levels, proving-rate estimate, solutions per block and top provers', () => {
  assert.equal(feeLevels(null), null);
  assert.deepEqual(feeLevels({ txs: 3, bytes: 0, entries: [{ hash: 'a', sender: 's', sequence: '0', fee: '300', weight: '100' }, { hash: 'b', sender: 's', sequence: '1', fee: '100', weight: '100' }, { hash: 'c', sender: 's', sequence: '2', fee: '1000', weight: '100' }] }), { low: 1, median: 3, high: 10 });

  let m = emptyModel('http://x');
  assert.equal(networkProofsPerSecond(m, 0), null, 'unknown before the puzzle state arrives');
  m = { ...m, puzzle: { proofTarget: '100' } as PuzzleState };
  for (const h of [1, 2]) m = applyEvent(m, block(h, h * 1000), 0);
  m = applyEvent(m, solution(1, 'qry1a', 5), 0);
  m = applyEvent(m, solution(2, 'qry1b', 7), 10_000);
  m = applyEvent(m, solution(2, 'qry1b', 3), 20_000);
  // 3 solutions × 100 proofs each over 20 s
  assert.equal(networkProofsPerSecond(m, 20_000), 15);
  assert.equal(networkProofsPerSecond(m, 1_000_000), 0, 'old solutions leave the window');
  assert.equal(solutionsPerBlock(m), 1.5);
  assert.deepEqual(topProvers(m, 1), [{ address: 'qry1b', solutions: 2, reward: 10n }]);
});

test('market events keep fills, slashes, locks; others are ignored', () => {
  let m = emptyModel('http://x');
  m = applyEvent(m, { type: 'market', event: 'market-fill', request: 'r1', prover: 'qry1p', price: '5', height: '3' }, 0);
  m = applyEvent(m, { type: 'market', event: 'market-slash', request: 'r2', prover: 'qry1q', amount: '9', height: '4' }, 0);
  m = applyEvent(m, { type: 'market', event: 'market-circuit', height: '5' }, 0);
  assert.deepEqual(m.marketEvents.map((e) => [e.event, e.request, e.amount]), [['fill', 'r1', '5'], ['slash', 'r2', '9']]);
});

test('the grid fills the terminal, reflows with its size, and never shrinks below 80×24', async () => {
  const { layout } = await import('../../tui/layout.ts');
  const small = layout(80, 24);
  assert.deepEqual(small.rows.map((r) => r.height), [6, 8, 7]);
  assert.deepEqual(small.rows.map((r) => r.cells.map((c) => c.width)), [[40, 40], [40, 40], [26, 26, 28]]);
  const wide = layout(120, 40);
  assert.equal(wide.width, 120);
  assert.equal(wide.rows.reduce((s, r) => s + r.height, 0), 37, 'every line but the header and help');
  for (const row of wide.rows) assert.equal(row.cells.reduce((s, c) => s + c.width, 0), 120);
  assert.deepEqual(wide.rows.flatMap((r) => r.cells.map((c) => c.pane)), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(wide.zoom, { width: 120, height: 37 });
  assert.deepEqual(layout(60, 10), small, 'a tiny terminal gets the minimum grid');
});

test('alerts: jailed validators, a stalled chain, falling behind, a failing miner; none when healthy', async () => {
  const { alerts } = await import('../../tui/model.ts');
  let m = { ...emptyModel('http://x'), connected: true };
  for (const h of [1, 2, 3]) m = applyEvent(m, block(h, h * 1000), 0);
  assert.deepEqual(alerts(m, 3_500), [], 'healthy');
  const sick = {
    ...m,
    validators: [{ moniker: 'v1', operator: 'qry1abc', jailed: true }, { moniker: 'v2', operator: 'qry1def', jailed: false }] as unknown as typeof m.validators,
    status: { height: '3' } as typeof m.status,
    net: { bestKnownHeight: '20', syncing: true } as typeof m.net,
    miner: { market: { busy: null, locked: 2, fulfilled: 0, failed: 2, earned: '0' } } as typeof m.miner,
  };
  assert.deepEqual(alerts(sick, 20_000), ['1 validator(s) jailed: v1', 'chain stalled: no block for 17 s', 'falling behind: 17 blocks under the best peer', 'miner: 2 market proof(s) failed']);
  assert.ok(!alerts({ ...sick, connected: false }, 20_000).some((a) => a.startsWith('chain stalled')), 'while disconnected the banner says RECONNECTING instead');
});
