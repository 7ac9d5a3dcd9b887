import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catchUpPeers } from '../../node/p2p/catch-up.ts';

test('catch-up asks only peers at the stalled height or beyond when there are any', () => {
  const heights = new Map<string, bigint>([
    ['honest-a', 41n], // head 41: running height 42 too
    ['honest-b', 43n], // ahead
    ['silent', 0n], // a peer that serves nothing reports height 0
    ['behind', 30n],
  ]);
  const connected = ['silent', 'honest-a', 'behind', 'honest-b', 'unknown'];
  assert.deepEqual(catchUpPeers(connected, heights, 42n), ['honest-a', 'honest-b']);
});

test('with no peer known to be at the height, every connected peer stays a candidate', () => {
  const connected = ['x', 'y'];
  assert.deepEqual(catchUpPeers(connected, new Map([['x', 1n]]), 42n), connected);
  assert.deepEqual(catchUpPeers(connected, undefined, 42n), connected);
});
