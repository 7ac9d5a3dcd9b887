/**
 * Precommits that arrive after a block is decided still count for the signer's liveness
 * (docs/consensus.md §commit certificate): the next block's last commit carries them, so a
 * slow-but-live validator is not counted as missing (and jailed). Real BLS signatures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openTestChain, CHAIN_ID, deterministicUser } from '../helpers/chain.ts';
import { testDriver, PATIENT } from '../helpers/driver.ts';
import { tempDir } from '../helpers/tmp.ts';
import { LatePrecommits } from '../../node/consensus/late-precommits.ts';
import { ValidatorSigner } from '../../node/consensus/signer.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { blsSign } from '../../node/crypto/bls.ts';
import { bitmapSet, verifyCommit } from '../../consensus/commit.ts';
import { voteSignBytes, type Vote } from '../../consensus/messages.ts';
import type { ValidatorSet } from '../../consensus/validator-set.ts';
import type { ValidatorKey } from '../../node/crypto/keyfile.ts';
import { until } from '../helpers/devnet.ts';

const slow = devnetValidatorKey(1);

function precommit(key: ValidatorKey, set: ValidatorSet, height: bigint, round: number, blockHash: Uint8Array): Vote {
  const validatorIndex = set.validators.findIndex((v) => Buffer.compare(v.blsPubKey, key.blsPublicKey) === 0);
  const unsigned = { type: 'precommit' as const, height, round, blockHash, validatorIndex };
  return { ...unsigned, signature: blsSign(voteSignBytes(CHAIN_ID, unsigned), key.blsSecretKey) };
}

async function twoValidatorChain() {
  return openTestChain({ extraValidators: [{ key: slow, operator: deterministicUser(2000), power: 10n }] });
}

test('late precommits join the certificate; other blocks, rounds and repeats do not', async () => {
  const t = await twoValidatorChain();
  try {
    const { set } = await t.chain.activeSet();
    const hash = new Uint8Array(32).fill(9);
    const late = new LatePrecommits();
    late.decided(set, 5n, 1, hash, [precommit(t.validator, set, 5n, 1, hash)]);
    const slowIndex = precommit(slow, set, 5n, 1, hash).validatorIndex;
    assert.equal(bitmapSet(late.commitFor(5n)!.signers, slowIndex), false);
    for (const other of [precommit(slow, set, 5n, 0, hash), precommit(slow, set, 4n, 1, hash), precommit(slow, set, 5n, 1, new Uint8Array(32))]) assert.equal(late.setFor(other), null);
    const vote = precommit(slow, set, 5n, 1, hash);
    assert.equal(late.setFor(vote), set);
    late.add(vote);
    assert.equal(late.setFor(vote), null, 'held once');
    const commit = late.commitFor(5n)!;
    assert.ok(bitmapSet(commit.signers, slowIndex));
    verifyCommit(CHAIN_ID, set, commit, 5n, hash);
    assert.equal(late.commitFor(6n), null);
  } finally {
    await t.close();
  }
});

test("a validator's precommit arriving after the decision is in the next block's last commit", { timeout: 120_000 }, async () => {
  const t = await twoValidatorChain();
  const dir = tempDir();
  const driver = testDriver(t, {
    signer: new ValidatorSigner(t.validator, join(dir.path, 'sign-state.json'), CHAIN_ID),
    config: { ...PATIENT, blockTimeMs: 1_500, timeouts: { propose: 300, prevote: 300, precommit: 300, delta: 100 } },
  });
  try {
    const { set } = await t.chain.activeSet();
    const slowIndex = precommit(slow, set, 1n, 0, new Uint8Array(32)).validatorIndex;
    await driver.start();
    // the validator with 100 of 110 power decides alone; the slow one's precommit comes after
    let sent = 0n;
    await until('a block whose last commit counts the slow validator', async () => {
      const head = t.chain.head.height;
      if (head > sent) {
        const c = (await t.chain.getCommit(head))!;
        assert.equal(bitmapSet(c.signers, slowIndex), false, 'decided without the slow validator');
        assert.equal(await driver.onGossip({ type: 'vote', vote: precommit(slow, set, head, c.round, c.blockHash) }, 'peer'), 'accept');
        sent = head;
      }
      for (let h = 2n; h <= head; h++) {
        const lastCommit = (await t.chain.getBlock(h))!.block.lastCommit!;
        if (bitmapSet(lastCommit.signers, slowIndex)) return true;
      }
      return false;
    }, 60_000);
  } finally {
    driver.stop();
    await driver.idle();
    await t.close();
    dir.cleanup();
  }
});

test('the proposer waits a bounded grace past the block time for a missing precommit', { timeout: 120_000 }, async () => {
  const t = await twoValidatorChain();
  const dir = tempDir();
  // block time 0: without the grace, height 2 would be proposed the moment height 1 is decided
  const config = { ...PATIENT, timeouts: { propose: 10_000, prevote: 60_000, precommit: 60_000, delta: 0 } };
  const driver = testDriver(t, { signer: new ValidatorSigner(t.validator, join(dir.path, 'sign-state.json'), CHAIN_ID), config });
  try {
    const { set } = await t.chain.activeSet();
    const slowIndex = precommit(slow, set, 1n, 0, new Uint8Array(32)).validatorIndex;
    await driver.start();
    await until('height 1 decided by the 100-power validator alone', async () => t.chain.head.height >= 1n, 30_000);
    assert.equal(t.chain.head.height, 1n, 'height 2 waits for the missing precommit');
    await new Promise((r) => setTimeout(r, 300));
    const c1 = (await t.chain.getCommit(1n))!;
    assert.equal(await driver.onGossip({ type: 'vote', vote: precommit(slow, set, 1n, c1.round, c1.blockHash) }, 'peer'), 'accept');
    await until('height 3: the grace is bounded when the precommit never comes', async () => t.chain.head.height >= 3n, 60_000);
    assert.ok(bitmapSet((await t.chain.getBlock(2n))!.block.lastCommit!.signers, slowIndex), "block 2 carries the slow validator's late precommit");
    assert.equal(bitmapSet((await t.chain.getBlock(3n))!.block.lastCommit!.signers, slowIndex), false, 'block 3 went ahead without it');
  } finally {
    driver.stop();
    await driver.idle();
    await t.close();
    dir.cleanup();
  }
});

test('a validator that verifies the block only after the quorum formed still attests it with a precommit', { timeout: 120_000 }, async () => {
  const source = await twoValidatorChain();
  const t = await twoValidatorChain();
  const dir = tempDir();
  const broadcast: Vote[] = [];
  const driver = testDriver(t, {
    // the slow validator: 10 of 110 power, so the other's precommit alone is a quorum
    signer: new ValidatorSigner(slow, join(dir.path, 'sign-state.json'), CHAIN_ID),
    config: PATIENT,
    network: { broadcastProposal: () => undefined, broadcastVote: (v) => void broadcast.push(v), broadcastEvidence: () => undefined },
  });
  try {
    const { set, priorities } = await t.chain.activeSet();
    const proposerIndex = set.proposer(priorities, 0);
    assert.equal(Buffer.compare(set.validators[proposerIndex]!.blsPubKey, t.validator.blsPublicKey), 0, 'the 100-power validator proposes height 1');
    const block = await source.builder.buildBlock({ txs: [], solutions: [], evidence: [], handoffs: [] }, { time: source.chain.head.time + 1000n, proposer: set.validators[proposerIndex]!.address, lastCommit: null });
    const proposerSigner = new ValidatorSigner(t.validator, join(dir.path, 'proposer-sign-state.json'), CHAIN_ID);
    const proposal = proposerSigner.signProposal({ height: 1n, round: 0, polRound: null, blockHash: block.hash, proposerIndex });
    await driver.start();
    await new Promise((r) => setTimeout(r, 50)); // height 1 starts on a zero-delay timer
    await driver.idle();
    // the quorum's precommit arrives before the slow validator has even seen the proposal
    assert.equal(await driver.onGossip({ type: 'vote', vote: precommit(t.validator, set, 1n, 0, block.hash) }, 'peer'), 'accept');
    assert.equal(await driver.onGossip({ type: 'proposal', proposal, block: block.bytes }, 'peer'), 'accept');
    await until('the block decided', async () => t.chain.head.height === 1n, 30_000);
    await driver.idle();
    const slowIndex = set.validators.findIndex((v) => Buffer.compare(v.blsPubKey, slow.blsPublicKey) === 0);
    const attested = broadcast.filter((v) => v.type === 'precommit' && v.height === 1n && v.validatorIndex === slowIndex);
    assert.equal(attested.length, 1, 'the slow validator broadcast a precommit for the decided block');
    assert.deepEqual(attested[0]!.blockHash, block.hash);
    verifyCommit(CHAIN_ID, set, (await t.chain.getCommit(1n))!, 1n, block.hash);
  } finally {
    driver.stop();
    await driver.idle();
    await t.close();
    await source.close();
    dir.cleanup();
  }
});
