/**
 * Epoch records and handoff signatures on chain (docs/epochs.md): sets are committed at genesis
 * and at each boundary, outgoing validators' Pallas signatures are checked and recorded, the
 * handoff completes past 2/3 of the outgoing power, and every bad signature is refused by code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, deterministicUser } from '../helpers/chain.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { getEpochSet, getHandoff, epochGenesis } from '../../node/modules/epoch/state.ts';
import { verifyHandoff, type HandoffSignature } from '../../node/modules/epoch/handoff.ts';
import { boundaryOf, checkHandoffs } from '../../node/chain/handoffs.ts';
import { signHandoff } from '../../node/consensus/handoff-signer.ts';
import { setCommitment, setFields, genesisId } from '../../consensus/epoch/commitment.ts';
import { bytesToBigint, poseidonHash } from '../../node/crypto/pallas.ts';
import { genesisHash } from '../../node/genesis.ts';
import { NO_ID } from '../../node/state/record.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { handoffVerdict } from '../../node/p2p/faults.ts';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    return err instanceof QuarryError ? err.code : `thrown: ${(err as Error).message}`;
  }
}

test('a set commitment is recomputed for a changed set and reused for the same one', async () => {
  const second = { key: devnetValidatorKey(1), operator: deterministicUser(2000), power: 100n };
  const t = await openTestChain({ staking: { maxValidators: 4n }, extraValidators: [second] });
  try {
    const { members } = (await getEpochSet(t.chain.latestState, 0n))!;
    const variants = [members, members.slice(0, 1), [{ ...members[0]!, power: members[0]!.power + 1n }, members[1]!]];
    const direct = await Promise.all(variants.map(async (m) => poseidonHash(await setFields(m, 4))));
    assert.equal(new Set(direct).size, 3, 'three sets, three commitments');
    for (const round of [0, 1]) for (const [i, m] of variants.entries()) assert.equal(await setCommitment(m, 4), direct[i], `set ${i}, round ${round}`);
  } finally {
    await t.close();
  }
});

test('sets are committed at genesis and each boundary; handoffs complete past 2/3; bad signatures are refused', async () => {
  const second = { key: devnetValidatorKey(1), operator: deterministicUser(2000), power: 100n };
  const t = await openTestChain({ params: { epochLength: 3n }, staking: { maxValidators: 4n }, extraValidators: [second] });
  try {
    const state = () => t.chain.latestState;
    const set0 = (await getEpochSet(state(), 0n))!;
    assert.equal(set0.members.length, 2);
    assert.equal(bytesToBigint(set0.commitment), await setCommitment(set0.members, 4), 'the recorded commitment is Poseidon over the padded set');
    const gid = (await epochGenesis.get(state(), NO_ID))!;
    assert.equal(bytesToBigint(gid.genesisId), await genesisId(genesisHash(t.genesis), bytesToBigint(set0.commitment)));

    for (let i = 0; i < 3; i++) await t.produce();
    const set1 = (await getEpochSet(state(), 1n))!;
    assert.equal(set1.boundaryHeight, 3n);
    const boundary = (await t.chain.getBlock(3n))!;
    const committed = { block: boundary.block, hash: boundary.hash } as Parameters<typeof signHandoff>[2];
    const mine = (await signHandoff(t.chain, t.validator, committed))!;
    const theirs = (await signHandoff(t.chain, second.key, committed))!;
    assert.deepEqual([mine.index, theirs.index], [0, 1]);
    assert.equal(await signHandoff(t.chain, devnetValidatorKey(7), committed), null, 'a key outside the outgoing set does not sign');

    const check = (h: HandoffSignature) => codeOf(verifyHandoff(state(), h, boundaryOf(t.chain)));
    assert.equal(await check(mine), 'OK');
    assert.equal(await check({ ...mine, index: 1 }), 'E_BAD_SIGNATURE', "validator 0's signature claimed for validator 1");
    assert.equal(await check({ ...mine, index: 9 }), 'E_BAD_REQUEST', 'an index outside the outgoing set');
    assert.equal(await check({ ...mine, epoch: 0n }), 'E_BAD_REQUEST', 'nothing hands over to genesis');
    assert.equal(await check({ ...mine, epoch: 2n }), 'E_NOT_FOUND', 'an epoch that has not begun');
    assert.equal(await check({ ...mine, signature: new Uint8Array(64).fill(0xff) }), 'E_BAD_SIGNATURE', 'a non-canonical signature');
    // gossip: a peer is blamed for a wrong signature, never for one that is only early or late here
    const gossip = (h: HandoffSignature) => verifyHandoff(state(), h, boundaryOf(t.chain)).then(() => 'accept', handoffVerdict);
    assert.deepEqual(await Promise.all([mine, { ...mine, index: 1 }, { ...mine, index: 9 }, { ...mine, epoch: 0n }, { ...mine, epoch: 2n }].map(gossip)), ['accept', 'reject', 'reject', 'reject', 'ignore']);

    const forged = await t.builder.buildBlock({ txs: [], solutions: [], evidence: [], handoffs: [{ ...mine, index: 1 }] }, { time: t.chain.head.time + 1000n, proposer: boundary.block.header.proposer, lastCommit: (await t.chain.getCommit(3n))! });
    assert.equal(forged.block.handoffs.length, 0, 'a proposer drops a bad signature');
    assert.equal(await codeOf(checkHandoffs(t.chain, [mine, { ...mine, index: 1 }], 'verify')), 'E_BAD_BLOCK', 'a block carrying a bad signature is refused');
    assert.equal(await codeOf(checkHandoffs(t.chain, [mine, mine], 'verify')), 'E_BAD_BLOCK', 'a block carrying one signature twice is refused');

    await t.produce([], undefined, [], [], [mine]);
    let rec = await getHandoff(state(), 1n);
    assert.deepEqual([rec.signedPower, rec.complete, rec.signatures.length], [100n, false, 1], 'half the power is not a handoff');
    assert.equal(await check(mine), 'E_DUPLICATE', 'a validator signs once');
    const last = await t.produce([], undefined, [], [], [theirs]);
    rec = await getHandoff(state(), 1n);
    assert.deepEqual([rec.signedPower, rec.complete], [200n, true]);
    assert.ok(last.exec.events.some((e) => e.type === 'handoff' && e.complete === 'true'));
    assert.equal(await check(theirs), 'E_DUPLICATE', 'a complete handoff takes no more signatures');
    assert.deepEqual(await Promise.all([mine, theirs].map(gossip)), ['ignore', 'ignore'], 'a signature that arrives after its block: late, nobody\'s fault');
  } finally {
    await t.close();
  }
});
