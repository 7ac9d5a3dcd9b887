/**
 * The devnet unjails its own validators once their jail term is over (node/devnet/unjailer.ts):
 * only its own, only when jailed, never when tombstoned (double signers stay out), never early.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dueForUnjail } from '../../node/devnet/unjailer.ts';
import type { StakingValidator } from '../../protocol/rpc-types.ts';

const validator = (operator: string, o: Partial<StakingValidator> = {}): StakingValidator => ({
  operator, moniker: operator, blsPubKey: '', tokens: '1', commissionPpm: '0', commissionOwed: '0', active: true, votingPower: '1',
  jailed: false, jailedUntil: '0', tombstoned: false, missedBlocks: '0', delegators: 1, ...o,
});

test('the devnet unjails its own jailed validators once their term is over, and nobody else', () => {
  const ours = new Set(['qry1mine', 'qry1mine2', 'qry1cheat']);
  const set = [
    validator('qry1mine', { jailed: true, jailedUntil: '100' }),
    validator('qry1mine2', { jailed: true, jailedUntil: '101' }),
    validator('qry1cheat', { jailed: true, jailedUntil: '0', tombstoned: true }),
    validator('qry1theirs', { jailed: true, jailedUntil: '0' }),
    validator('qry1fine'),
  ];
  assert.deepEqual(dueForUnjail(set, 99n, ours), []);
  assert.deepEqual(dueForUnjail(set, 100n, ours), ['qry1mine']);
  assert.deepEqual(dueForUnjail(set, 101n, ours), ['qry1mine', 'qry1mine2']);
});
