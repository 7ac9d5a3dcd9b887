/**
 * Double-sign evidence from gossip (node/p2p/wire.ts): evidence about the height still being
 * decided is ignored, not rejected — every honest validator publishes it the moment it sees the
 * double sign, and rejecting it charged each honest peer 20 points per item (the hour soak's
 * double signer at its current height), and so is evidence whose validator a block has punished
 * meanwhile (stale, not false). Checkable evidence is accepted; a forgery is rejected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, CHAIN_ID, type TestChain } from '../helpers/chain.ts';
import { blsSign } from '../../node/crypto/bls.ts';
import { voteSignBytes, type Vote } from '../../consensus/messages.ts';
import { makeEvidence } from '../../consensus/evidence.ts';
import { sha256 } from '../../node/crypto/hash.ts';
import { evidenceVerdict } from '../../node/p2p/wire.ts';

function prevote(t: TestChain, height: bigint, fill: number): Vote {
  const unsigned = { type: 'prevote' as const, height, round: 0, blockHash: sha256(Uint8Array.of(fill)), validatorIndex: 0 };
  return { ...unsigned, signature: blsSign(voteSignBytes(CHAIN_ID, unsigned), t.validator.blsSecretKey) };
}

test('gossiped evidence: the current height is ignored, a committed height accepted, a forgery rejected', async () => {
  const t = await openTestChain();
  try {
    await t.produce();
    await t.produce();
    assert.equal(await evidenceVerdict(t.chain, makeEvidence(prevote(t, 3n, 1), prevote(t, 3n, 2))), 'ignore', 'height 3 is being decided');
    assert.equal(await evidenceVerdict(t.chain, makeEvidence(prevote(t, 2n, 1), prevote(t, 2n, 2))), 'accept');
    const forged = { ...prevote(t, 2n, 3), signature: prevote(t, 2n, 4).signature };
    assert.equal(await evidenceVerdict(t.chain, makeEvidence(prevote(t, 2n, 1), forged)), 'reject');
  } finally {
    await t.close();
  }
});

test('gossiped evidence against a validator already tombstoned is ignored, not charged to the peer', async () => {
  const t = await openTestChain();
  try {
    await t.produce();
    await t.produce();
    const first = makeEvidence(prevote(t, 2n, 1), prevote(t, 2n, 2));
    assert.equal(await evidenceVerdict(t.chain, first), 'accept');
    await t.produce([], undefined, [], [first]); // the block punishes the double sign
    const again = makeEvidence(prevote(t, 2n, 5), prevote(t, 2n, 6));
    assert.equal(await evidenceVerdict(t.chain, again), 'ignore', 'an honest peer may still be sending it');
    const forged = { ...prevote(t, 2n, 7), signature: prevote(t, 2n, 8).signature };
    assert.equal(await evidenceVerdict(t.chain, makeEvidence(prevote(t, 2n, 1), forged)), 'ignore', 'nothing is gained by checking signatures for a punished validator');
  } finally {
    await t.close();
  }
});
