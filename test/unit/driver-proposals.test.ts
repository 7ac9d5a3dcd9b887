/**
 * Which proposals the driver executes (docs/consensus.md §proposal budget): a past round's block
 * only once more than a third of the power voted for it (catch-up answers carry every round's
 * proposal, and executing each stalled a loaded node's queue for seconds per round), and a block
 * already executed, re-proposed in a later round, is not executed again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, CHAIN_ID, type TestChain } from '../helpers/chain.ts';
import { testDriver, PATIENT } from '../helpers/driver.ts';
import { blsSign } from '../../node/crypto/bls.ts';
import { proposalSignBytes, voteSignBytes, type Proposal, type UnsignedVote, type Vote } from '../../consensus/messages.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';

const sign = (t: TestChain, v: UnsignedVote): Vote => ({ ...v, signature: blsSign(voteSignBytes(CHAIN_ID, v), t.validator.blsSecretKey) });

test("a past round's proposal is executed only once a third of the power backs it; a re-proposed block is not executed twice", { timeout: 60_000 }, async () => {
  const source = await openTestChain();
  const t = await openTestChain();
  const driver = testDriver(t, { signer: null, config: PATIENT });
  let verified = 0;
  const verifyBlock = t.builder.verifyBlock.bind(t.builder);
  t.builder.verifyBlock = (b) => {
    verified++;
    return verifyBlock(b);
  };
  try {
    await driver.start();
    await new Promise((r) => setTimeout(r, 50));
    await driver.idle();
    const candidate = await source.builder.buildBlock({ txs: [], solutions: [], evidence: [], handoffs: [] }, { time: source.chain.head.time + 1000n, proposer: decodeAddress(source.operator.address), lastCommit: null });
    const propose = (round: number, polRound: number | null): Proposal => {
      const unsigned = { height: 1n, round, polRound, blockHash: candidate.hash, proposerIndex: 0 };
      return { ...unsigned, signature: blsSign(proposalSignBytes(CHAIN_ID, unsigned), source.validator.blsSecretKey) };
    };
    // the only validator (all the power) moves on to round 1 without a proposal in round 0
    await driver.onGossip({ type: 'vote', vote: sign(t, { type: 'prevote', height: 1n, round: 1, blockHash: null, validatorIndex: 0 }) }, 'peer');
    await driver.idle();
    assert.equal(driver.round, 1);

    assert.equal(await driver.onGossip({ type: 'proposal', proposal: propose(0, null), block: candidate.bytes }, 'peer'), 'ignore', 'nobody voted for it');
    await driver.idle();
    assert.equal(verified, 0, 'not executed');

    await driver.onGossip({ type: 'vote', vote: sign(t, { type: 'prevote', height: 1n, round: 0, blockHash: candidate.hash, validatorIndex: 0 }) }, 'peer');
    assert.equal(await driver.onGossip({ type: 'proposal', proposal: propose(0, null), block: candidate.bytes }, 'peer'), 'accept', 'backed by the prevotes now');
    await driver.idle();
    assert.equal(verified, 1);
    assert.equal(driver.held(1n).proposals.length, 1, 'kept as a valid proposal');

    // round 1's proposer re-proposes the block its round-0 prevotes locked on
    assert.equal(await driver.onGossip({ type: 'proposal', proposal: propose(1, 0), block: candidate.bytes }, 'peer'), 'accept');
    await driver.idle();
    assert.equal(verified, 1, 'the same block is not executed again');
    assert.equal(driver.held(1n).proposals.length, 2);
  } finally {
    driver.stop();
    await driver.idle();
    await t.close();
    await source.close();
  }
});
