/**
 * The dashboard's pure model: events folded in order, sparkline, fee levels, proving-rate estimate,
 * top provers; the operator's view: stale age, own validator (signing, missed, next proposer turn),
 * sync ETA, epoch-proof lag, the miner's QRY/hour, and their alerts.
 */
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
  assert.deepEqual(small.rows.map((r) => r.height), [8, 7, 6], 'Chain and Node get 5 lines inside their borders, the tables 4, the bottom row 3');
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

const op = () => import('../../tui/operator.ts');
type Model = ReturnType<typeof emptyModel>;
const asStatus = (s: object) => s as Model['status'];

test('stale age: none while connected or before the first answer, the time since the last answer while away', async () => {
  const { staleAge } = await op();
  const m = emptyModel('http://x');
  assert.equal(staleAge(m, 5_000), null, 'never reached: nothing on screen is stale');
  assert.equal(staleAge({ ...m, connected: true, lastContact: 1_000 }, 5_000), null);
  assert.equal(staleAge({ ...m, connected: false, lastContact: 1_000 }, 13_000), 12_000);
});

test('own validator: signed bit from the head lastCommit, missed against the jail threshold, next proposer turn', async () => {
  const { ownValidator, nextProposerTurn, signedCommit } = await op();
  const set = {
    height: '9', totalPower: '10', setHash: '00',
    validators: [
      { address: 'qry1a', blsPubKey: '', power: '7', proposerPriority: '0' },
      { address: 'qry1me', blsPubKey: '', power: '2', proposerPriority: '0' },
      { address: 'qry1c', blsPubKey: '', power: '1', proposerPriority: '0' },
    ],
  };
  // the chain's round robin from zero priorities: the 7-power proposes twice (the tie at the second
  // height goes to the lower index), then the 2-power
  assert.equal(nextProposerTurn(set, 'qry1a'), 0);
  assert.equal(nextProposerTurn(set, 'qry1me'), 2);
  assert.equal(nextProposerTurn(set, 'qry1zz'), null, 'outside the set');
  const commit = (signers: string) => ({ height: '8', round: 0, blockHash: '', signers, signature: '' });
  assert.equal(signedCommit(commit('05'), 0), true);
  assert.equal(signedCommit(commit('05'), 1), false);
  assert.equal(signedCommit(commit('05'), 2), true);
  assert.equal(signedCommit(commit('00'.repeat(19) + '80'), 159), true, 'a 20-byte bitmap (160 validators) is hex too: rpc-json.test.ts');
  assert.equal(signedCommit(commit('00'.repeat(19) + '80'), 0), false);

  const base = emptyModel('http://x');
  assert.equal(ownValidator(base), null, 'no status yet');
  assert.equal(ownValidator({ ...base, status: asStatus({ height: '9', validatorAddress: null }) }), null, 'a full node');
  const m: Model = {
    ...base,
    status: asStatus({ height: '9', validatorAddress: 'qry1me' }),
    validators: [{ operator: 'qry1me', moniker: 'me', votingPower: '2', missedBlocks: '4', jailed: false, tombstoned: false, active: true }] as Model['validators'],
    activeSet: set,
    stakingParams: { downtimeWindow: '100', downtimeMaxMissed: '50' },
    lastCommit: commit('05'),
  };
  assert.deepEqual(ownValidator(m), { address: 'qry1me', info: m.validators[0], missed: { count: 4, max: 50, window: 100 }, signedLast: false, nextTurn: 2 });
  assert.equal(ownValidator({ ...m, lastCommit: commit('02') })!.signedLast, true);
  assert.equal(ownValidator({ ...m, lastCommit: null })!.signedLast, null, 'unknown before the block is fetched');
});

test('operator alerts: own validator jailed, tombstoned, not signing, close to the jail; none when healthy', async () => {
  const { operatorAlerts } = await op();
  const v = { operator: 'qry1me', moniker: 'me', votingPower: '2', missedBlocks: '1', jailed: false, jailedUntil: '0', tombstoned: false, active: true };
  const m: Model = {
    ...emptyModel('http://x'),
    status: asStatus({ height: '9', validatorAddress: 'qry1me' }),
    validators: [v] as Model['validators'],
    activeSet: { height: '9', totalPower: '2', setHash: '00', validators: [{ address: 'qry1me', blsPubKey: '', power: '2', proposerPriority: '0' }] },
    stakingParams: { downtimeWindow: '100', downtimeMaxMissed: '50' },
    lastCommit: { height: '8', round: 0, blockHash: '', signers: '01', signature: '' },
  };
  assert.deepEqual(operatorAlerts(m), []);
  assert.deepEqual(operatorAlerts({ ...m, lastCommit: { ...m.lastCommit!, signers: '00' } }), ["this node's validator me did not sign the last block"]);
  assert.deepEqual(operatorAlerts({ ...m, validators: [{ ...v, missedBlocks: '30' }] as Model['validators'] }), ["this node's validator me missed 30 of 50 blocks allowed in the window"]);
  assert.deepEqual(operatorAlerts({ ...m, validators: [{ ...v, jailed: true, jailedUntil: '120' }] as Model['validators'] }), ["this node's validator me is jailed until #120: unjail it (quarry tx stake unjail)"]);
  assert.match(operatorAlerts({ ...m, validators: [{ ...v, jailed: true, tombstoned: true }] as Model['validators'] })[0]!, /tombstoned/);
  assert.deepEqual(operatorAlerts({ ...m, status: asStatus({ height: '9', validatorAddress: null }) }), [], 'a full node has no validator to worry about');
});

test('sync state: in sync within a block, catching up with an ETA from the rate the lag closes, none when it does not', async () => {
  const { recordHeight, syncState } = await op();
  assert.equal(syncState([]), null);
  let s = recordHeight([], { at: 0, height: 100n, best: 200n });
  s = recordHeight(s, { at: 5_000, height: 150n, best: 205n });
  s = recordHeight(s, { at: 10_000, height: 200n, best: 210n });
  // the lag went 100 -> 10 in 10 s: 9 blocks/s closing, 10 left
  const st = syncState(s)!;
  assert.equal(st.catchingUp, true);
  assert.equal(st.lag, 10n);
  assert.ok(Math.abs(st.etaMs! - 1_111) < 1, `eta ${st.etaMs}`);
  assert.equal(syncState([{ at: 0, height: 10n, best: 20n }, { at: 5_000, height: 12n, best: 25n }])!.etaMs, null, 'falling further behind: no ETA');
  assert.deepEqual(syncState([{ at: 0, height: 10n, best: 11n }]), { catchingUp: false, lag: 1n, etaMs: null }, 'a block behind is the one being finished');
  assert.equal(recordHeight(s, { at: 45_000, height: 210n, best: 210n }).length, 1, 'samples older than the window are dropped');
});

test('epoch-proof lag and the miner QRY/hour (watched window, else since the miner started; restarts reset)', async () => {
  const { epochProofLag, qryPerHour, recordEarnings } = await op();
  assert.equal(epochProofLag(null), null);
  assert.equal(epochProofLag({ epoch: '12', epochLength: '100', provenEpoch: '11' }), 1);
  assert.equal(epochProofLag({ epoch: '12', epochLength: '100', provenEpoch: '12' }), 0);
  assert.equal(epochProofLag({ epoch: '3', epochLength: '100', provenEpoch: null }), 4, 'nothing proven: every epoch from genesis is owed');

  const file = (updatedAt: number, earned: number, extra: object = {}) => ({ address: 'qry1m', connected: true, proofsPerSecond: 1, proofs: 0, found: 0, accepted: 0, paid: 0, earned: String(earned), market: null, updatedAt, ...extra });
  let samples = recordEarnings([], file(0, 1_000_000));
  samples = recordEarnings(samples, file(0, 1_000_000));
  assert.equal(samples.length, 1, 'the same file read twice is one sample');
  samples = recordEarnings(samples, file(600_000, 3_000_000, { market: { busy: null, locked: 0, fulfilled: 1, failed: 0, earned: '500000' } }));
  // 2.5 QRY more over 10 minutes
  assert.equal(qryPerHour(samples, file(600_000, 3_000_000)), 15_000_000n);
  const young = recordEarnings([], file(60_000, 2_000_000, { startedAt: 0 }));
  assert.equal(qryPerHour(young, file(60_000, 2_000_000, { startedAt: 0 })), 120_000_000n, 'watched a minute: 2 QRY in the miner\'s first minute');
  assert.equal(qryPerHour(young, file(60_000, 2_000_000)), null, 'an old miner file has no start time');
  assert.equal(recordEarnings(samples, file(700_000, 10)).length, 1, 'a restarted miner starts the history over');
});

test('the market pane states the totals since genesis in one line, a dash before the node answers', async () => {
  const { marketHistory } = await import('../../tui/panes.tsx');
  assert.equal(marketHistory(null), '—');
  const totals = { requests: '12', fulfilled: '10', onTime: '9', fromCache: '1', slashes: '1', declines: '2', expired: '1', cancelled: '0', paid: '1200000', slashedCollateral: '500000' };
  assert.equal(marketHistory(totals), '12 req · 10 filled (9 on time) · 1 slashed · 1.2 QRY paid');
});

test('the market pane names the asking provers with the most stake, with commission and delegators once per prover', async () => {
  const { stakeLeaders } = await import('../../tui/panes.tsx');
  const ask = (prover: string, stake: string, commissionPpm: string | null, delegators = '0') => ({ circuit: 'c', prover, price: '1', maxTurnaround: '3', capacity: '1', active: '0', reputationPpm: '0', stake, commissionPpm, delegators });
  assert.equal(stakeLeaders([]), 'none');
  const line = stakeLeaders([ask('qry1aaaaaaaaaa', '5000000', null), ask('qry1bbbbbbbbbb', '40000000', '100000', '3'), ask('qry1bbbbbbbbbb', '40000000', '100000', '3'), ask('qry1cccccccccc', '1000000', '0')]);
  assert.match(line, /^qry1bb.*40 QRY 10% 3 del {2}qry1aa.*5 QRY$/);
});
