/**
 * A synced block replacing the height consensus is working on (docs/consensus.md §blocks synced while a height runs):
 * work queued for the old height must not act after it. Found in the hour soak: a height start
 * queued behind a synced block ran twice and dropped every vote collected in between (gossip does
 * not repeat them, so the node sat in its step until a peer answered a catch-up), and a vote
 * queued for the old height decided a block the sync had already cleared ("decided block … is not
 * known locally"). Drives the real driver over a real chain; no network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, CHAIN_ID, type TestChain } from '../helpers/chain.ts';
import { testDriver, PATIENT } from '../helpers/driver.ts';
import { blsSign } from '../../node/crypto/bls.ts';
import { createLogger } from '../../node/log.ts';
import { proposalSignBytes, voteSignBytes, type Proposal, type Vote, type VoteType } from '../../consensus/messages.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signedVote(source: TestChain, type: VoteType, height: bigint, blockHash: Uint8Array): Vote {
  const unsigned = { type, height, round: 0, blockHash, validatorIndex: 0 };
  return { ...unsigned, signature: blsSign(voteSignBytes(CHAIN_ID, unsigned), source.validator.blsSecretKey) };
}

function errorLog(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: 'error', format: 'json', stream: { write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream }) };
}

test('a vote queued for a height that a synced block ended does not decide it again', { timeout: 60_000 }, async () => {
  const [source, t] = [await openTestChain(), await openTestChain()];
  const { lines, log } = errorLog();
  const driver = testDriver(t, { signer: null, config: { ...PATIENT, blockTimeMs: 60_000 }, log });
  try {
    await driver.start();
    await sleep(50);
    await driver.idle();
    const b1 = await source.produce([], BigInt(Date.now()));
    const unsigned = { height: 1n, round: 0, polRound: null, blockHash: b1.hash, proposerIndex: 0 };
    const proposal: Proposal = { ...unsigned, signature: blsSign(proposalSignBytes(CHAIN_ID, unsigned), source.validator.blsSecretKey) };
    assert.equal(await driver.onGossip({ type: 'proposal', proposal, block: b1.bytes }, 'alice'), 'accept');
    await driver.idle();

    // the sync is queued first; the precommit that completes the quorum is checked, then queued behind it
    const synced = driver.applySynced(b1.block, (await source.chain.getCommit(1n))!);
    assert.equal(await driver.onGossip({ type: 'vote', vote: signedVote(source, 'precommit', 1n, b1.hash) }, 'bob'), 'accept');
    await synced;
    await driver.idle();
    assert.equal(t.chain.head.height, 1n);
    assert.deepEqual(lines, [], 'no consensus task failed');
  } finally {
    driver.stop();
    await driver.idle();
    await t.close();
    await source.close();
  }
});

test('a height start queued behind a synced block runs once and keeps the votes collected', { timeout: 60_000 }, async () => {
  const [source, t] = [await openTestChain(), await openTestChain()];
  const driver = testDriver(t, { signer: null, config: { ...PATIENT, blockTimeMs: 1_500 } });
  try {
    await driver.start();
    await sleep(50);
    await driver.idle();
    const now = BigInt(Date.now());
    const [b1, b2, b3] = [await source.produce([], now - 10_000n), await source.produce([], now), await source.produce([], now + 1n)];
    // b1 is old, so its next height starts at once (a timer that fires while b2 is imported);
    // b2 schedules the start again 1.5 s on
    await Promise.all([driver.applySynced(b1.block, (await source.chain.getCommit(1n))!), driver.applySynced(b2.block, (await source.chain.getCommit(2n))!)]);
    await sleep(50);
    await driver.idle();
    assert.equal(driver.height, 3n, 'height 3 started from the first, already queued, start');
    assert.equal(await driver.onGossip({ type: 'vote', vote: signedVote(source, 'prevote', 3n, b3.hash) }, 'bob'), 'accept');
    await driver.idle();
    assert.equal(driver.held(3n).votes.length, 1);

    await sleep(1_600);
    await driver.idle();
    assert.equal(driver.height, 3n);
    assert.equal(driver.held(3n).votes.length, 1, 'the second start did not restart height 3 and drop its vote');
  } finally {
    driver.stop();
    await driver.idle();
    await t.close();
    await source.close();
  }
});
