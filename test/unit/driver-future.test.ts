/**
 * Consensus messages for heights not started yet (docs/consensus.md §future messages): junk a peer
 * sends for the next height costs at most one signature check before the peer is charged, junk
 * for far-future heights is not kept at all, and an honest vote buffered beside the junk still
 * counts. Drives the real driver over a real chain; no network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, CHAIN_ID } from '../helpers/chain.ts';
import { testDriver, PATIENT } from '../helpers/driver.ts';
import { blsSign } from '../../node/crypto/bls.ts';
import { voteSignBytes, type Vote } from '../../consensus/messages.ts';

function junkVote(height: bigint, round: number): Vote {
  return { type: 'prevote', height, round, blockHash: new Uint8Array(32).fill(round % 256), validatorIndex: 0, signature: new Uint8Array(96).fill(7) };
}

test('junk for coming heights costs one check per peer and is charged; far-future junk is not kept', { timeout: 120_000 }, async () => {
  const source = await openTestChain();
  const t = await openTestChain();
  const penalized: string[] = [];
  const driver = testDriver(t, { signer: null, config: PATIENT, penalize: (peer) => penalized.push(peer) });
  try {
    await driver.start();
    await new Promise((r) => setTimeout(r, 50)); // height 1 starts on a zero-delay timer
    await driver.idle();
    assert.equal(driver.height, 1n);

    for (let round = 0; round < 500; round++) assert.equal(await driver.onGossip({ type: 'vote', vote: junkVote(2n, round) }, 'mallory'), 'ignore');
    for (let round = 0; round < 100; round++) await driver.onGossip({ type: 'vote', vote: junkVote(50n, round) }, 'mallory');
    assert.equal(driver.buffered, 256, "one peer fills only its own share, and nothing beyond the next height");

    // an honest precommit for height 2, from another peer, buffered beside the junk
    const block1 = await source.produce();
    const block2 = await source.produce();
    const unsigned = { type: 'prevote' as const, height: 2n, round: 0, blockHash: block2.hash, validatorIndex: 0 };
    const honest: Vote = { ...unsigned, signature: blsSign(voteSignBytes(CHAIN_ID, unsigned), source.validator.blsSecretKey) };
    await driver.onGossip({ type: 'vote', vote: honest }, 'alice');
    assert.equal(driver.buffered, 257, 'the honest peer still has room');

    const checksBefore = driver.votes.verified;
    await driver.applySynced(block1.block, (await source.chain.getCommit(1n))!);
    await new Promise((r) => setTimeout(r, 50));
    await driver.idle();
    assert.equal(driver.height, 2n);
    assert.equal(driver.votes.verified - checksBefore, 2, 'one junk check for mallory, one for the honest vote');
    assert.deepEqual(penalized, ['mallory']);
    assert.ok(driver.held(2n).votes.some((v) => v.round === 0 && v.type === 'prevote'), 'the honest vote counted');
    assert.equal(driver.buffered, 0);
  } finally {
    driver.stop();
    await driver.idle();
    await t.close();
    await source.close();
  }
});
