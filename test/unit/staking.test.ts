/** The staking module: validators, delegation, rewards, unbonding, slashing and the active set. */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, makeTx, deterministicUser, type TestChain } from '../helpers/chain.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { blsKeyGen, blsProofOfPossession, blsSign } from '../../node/crypto/bls.ts';
import { validatorKeyFromSecret, validatorRegistration } from '../../node/crypto/keyfile.ts';
import { getAccount, totalSupply } from '../../node/modules/bank/account.ts';
import { BONDED_POOL, getDelegation, getValidator, UNBONDING_POOL } from '../../node/modules/staking/state.ts';
import { tokensOfShares } from '../../node/modules/shares.ts';
import { makeEvidence } from '../../consensus/evidence.ts';
import { voteSignBytes, type Vote } from '../../consensus/messages.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';

import type { AccountKey } from '../../node/crypto/keyfile.ts';

const addr = (k: { address: string }) => decodeAddress(k.address);
const POWER = 1_000_000n; // uqry per unit of voting power (default powerReduction)

class Sequencer {
  private readonly next = new Map<string, bigint>();
  tx(user: AccountKey, msgs: AnyMsg[], fee = 50_000n): Uint8Array {
    const seq = this.next.get(user.address) ?? 0n;
    this.next.set(user.address, seq + 1n);
    return makeTx(user, msgs, { sequence: seq, fee });
  }
}

async function codesOf(t: TestChain, txs: Uint8Array[]): Promise<string[]> {
  return (await t.produce(txs)).exec.receipts.map((r) => r.code);
}

test('create a validator, delegate, and the active set changes only at the epoch boundary', async () => {
  const t = await openTestChain({ params: { epochLength: 5n }, staking: { minSelfBond: 5_000_000n } });
  const seq = new Sequencer();
  try {
    const [alice, bob] = t.users;
    const key = validatorKeyFromSecret(blsKeyGen().secretKey);
    const reg = await validatorRegistration(key, addr(alice!));
    const create = (selfBond: bigint, over: Partial<Record<'proofOfPossession' | 'blsPubKey' | 'pallasProofOfPossession', Uint8Array>> = {}) =>
      ({ type: 'staking/create-validator', blsPubKey: key.blsPublicKey, proofOfPossession: reg.proofOfPossession, pallasPubKey: reg.pallasPubKey, pallasProofOfPossession: reg.pallasProofOfPossession, commissionPpm: 100_000n, moniker: 'alice', selfBond, ...over }) as AnyMsg;
    assert.deepEqual(await codesOf(t, [seq.tx(alice!, [create(1_000n)])]), ['E_INVALID_MSG'], 'self-bond below the minimum');
    const forBob = await validatorRegistration(key, addr(bob!));
    assert.deepEqual(
      await codesOf(t, [seq.tx(alice!, [create(200n * POWER, { proofOfPossession: blsProofOfPossession(blsKeyGen().secretKey) })]), seq.tx(alice!, [create(200n * POWER, { pallasProofOfPossession: forBob.pallasProofOfPossession })])]),
      ['E_BAD_SIGNATURE', 'E_BAD_SIGNATURE'],
      'a BLS proof of possession of another key; a Pallas proof of possession made for another operator',
    );
    assert.deepEqual(await codesOf(t, [seq.tx(alice!, [create(200n * POWER)])]), ['OK']);
    const other = validatorKeyFromSecret(blsKeyGen().secretKey);
    assert.deepEqual(
      await codesOf(t, [seq.tx(bob!, [create(200n * POWER)]), seq.tx(bob!, [create(200n * POWER, { blsPubKey: other.blsPublicKey, proofOfPossession: other.proofOfPossession })])]),
      ['E_DUPLICATE', 'E_DUPLICATE'],
      'a BLS key registers once; so does a Pallas key',
    );
    assert.equal((await t.chain.activeSet()).set.size, 1, 'not active before the epoch boundary');
    assert.deepEqual(await codesOf(t, [seq.tx(bob!, [{ type: 'staking/delegate', validator: addr(alice!), amount: 100n * POWER } as AnyMsg])]), ['OK']);
    while (t.chain.head.height % 5n !== 0n) await t.produce();
    const { set } = await t.chain.activeSet();
    assert.equal(set.size, 2, 'active from the next epoch');
    const member = set.validators.find((v) => Buffer.compare(v.address, addr(alice!)) === 0)!;
    assert.equal(member.power, 300n, 'self-bond plus delegation, in powers of 1 QRY');
    assert.equal(set.validators[0]!.address.length, 20);
  } finally {
    await t.close();
  }
});

test('rewards are shared with delegators after commission; undelegated stake returns after unbonding', async () => {
  const t = await openTestChain({ staking: { unbondingBlocks: 4n } });
  const seq = new Sequencer();
  try {
    const [bob] = t.users;
    const op = addr(t.operator);
    // genesis validator: 100 power of self-stake, 10 % commission; bob adds as much again
    assert.deepEqual(await codesOf(t, [seq.tx(bob!, [{ type: 'staking/delegate', validator: op, amount: 100n * POWER } as AnyMsg])]), ['OK']);
    for (let i = 0; i < 5; i++) await t.produce();
    const before = (await getAccount(t.chain.latestState, addr(bob!))).balance;
    assert.deepEqual(await codesOf(t, [seq.tx(bob!, [{ type: 'staking/claim', validator: op } as AnyMsg])]), ['OK']);
    const claimed = (await getAccount(t.chain.latestState, addr(bob!))).balance - before + 50_000n;
    // blocks 1–6 (bob's delegation counts from block 1's end) × 1 QRY plus block 1's fee, half the
    // shares, 90 % after commission; the claiming block's reward comes after the claim
    const expected = ((6n * POWER + 50_000n) * 9n) / 10n / 2n;
    assert.ok(claimed >= expected - 2n && claimed <= expected, `bob claimed ${claimed}, expected ${expected}`);
    const v = (await getValidator(t.chain.latestState, op))!;
    assert.ok(v.commissionOwed > 0n, 'the operator accrued commission');
    // undelegate: the uqry sit in the unbonding pool, then come back
    assert.deepEqual(await codesOf(t, [seq.tx(bob!, [{ type: 'staking/undelegate', validator: op, amount: 40n * POWER } as AnyMsg])]), ['OK']);
    const afterUndelegate = (await getAccount(t.chain.latestState, addr(bob!))).balance;
    assert.equal((await getAccount(t.chain.latestState, UNBONDING_POOL)).balance, 40n * POWER);
    for (let i = 0; i < 4; i++) await t.produce();
    assert.equal((await getAccount(t.chain.latestState, UNBONDING_POOL)).balance, 0n);
    assert.equal((await getAccount(t.chain.latestState, addr(bob!))).balance, afterUndelegate + 40n * POWER);
    // the operator may not drop below the minimum self-bond without leaving entirely
    const self = tokensOfShares(v, (await getDelegation(t.chain.latestState, op, op))!.shares);
    assert.deepEqual(await codesOf(t, [seq.tx(t.operator, [{ type: 'staking/undelegate', validator: op, amount: self - 1n } as AnyMsg])]), ['E_INVALID_MSG']);
    assert.deepEqual(await codesOf(t, [seq.tx(bob!, [{ type: 'staking/undelegate', validator: op, amount: 1000n * POWER } as AnyMsg])]), ['E_INSUFFICIENT_FUNDS']);
  } finally {
    await t.close();
  }
});

function doubleSign(key: ReturnType<typeof devnetValidatorKey>, index: number, height: bigint): [Vote, Vote] {
  const vote = (fill: number): Vote => {
    const unsigned = { type: 'prevote' as const, height, round: 0, blockHash: new Uint8Array(32).fill(fill), validatorIndex: index };
    return { ...unsigned, signature: blsSign(voteSignBytes('quarry-test-1', unsigned), key.blsSecretKey) };
  };
  return [vote(1), vote(2)];
}

test('double signing is slashed, tombstoned, reaches unbonding stake, and cannot be punished twice', async () => {
  const key1 = devnetValidatorKey(1);
  const op1 = deterministicUser(2001);
  const t = await openTestChain({ params: { epochLength: 4n }, staking: { unbondingBlocks: 50n }, extraValidators: [{ key: key1, operator: op1, power: 10n }] });
  const seq = new Sequencer();
  try {
    await t.produce();
    await t.produce();
    // op1 starts unbonding after the fault: that stake is slashed too
    const [a, b] = doubleSign(key1, 1, 1n);
    await t.produce([seq.tx(op1, [{ type: 'staking/delegate', validator: decodeAddress(op1.address), amount: 5n * POWER } as AnyMsg])]);
    await t.produce([seq.tx(op1, [{ type: 'staking/undelegate', validator: decodeAddress(op1.address), amount: 5n * POWER } as AnyMsg])]);
    const supply = await totalSupply(t.chain.latestState);
    const block = await t.produce([], undefined, [], [makeEvidence(a, b)]);
    assert.equal(block.exec.evidence.length, 1);
    const v = (await getValidator(t.chain.latestState, decodeAddress(op1.address)))!;
    assert.equal(v.tombstoned, true);
    assert.equal(v.jailed, true);
    assert.equal(v.tokens, 10n * POWER - (10n * POWER * 50_000n) / 1_000_000n, 'five percent of the bonded stake is burned');
    assert.equal((await getAccount(t.chain.latestState, UNBONDING_POOL)).balance, 5n * POWER - (5n * POWER * 50_000n) / 1_000_000n, 'and of stake unbonding since');
    assert.ok((await totalSupply(t.chain.latestState)) < supply + t.genesis.params.chain.blockReward, 'the slash is burned');
    assert.ok(block.exec.events.some((e) => e.type === 'slash' && e.reason === 'double-sign'));
    // the same evidence again, or evidence that fails its signatures, is skipped by the builder
    const again = await t.produce([], undefined, [], [makeEvidence(a, b)]);
    assert.equal(again.exec.evidence.length, 0);
    const forged = makeEvidence(a, { ...b, signature: a.signature });
    assert.equal((await t.produce([], undefined, [], [forged])).exec.evidence.length, 0);
    // a tombstoned validator leaves the set at the next epoch boundary
    while (t.chain.head.height % 4n !== 0n) await t.produce();
    assert.equal((await t.chain.activeSet()).set.size, 1);
    assert.deepEqual(await codesOf(t, [seq.tx(op1, [{ type: 'staking/unjail' } as AnyMsg])]), ['E_INVALID_MSG']);
    assert.equal((await getAccount(t.chain.latestState, BONDED_POOL)).balance > 0n, true);
  } finally {
    await t.close();
  }
});

test('a validator that misses too many blocks is jailed with a small slash, then may unjail', async () => {
  const key1 = devnetValidatorKey(1);
  const op1 = deterministicUser(2002);
  const t = await openTestChain({
    params: { epochLength: 100n },
    staking: { downtimeWindow: 10n, downtimeMaxMissed: 5n, downtimeJailBlocks: 3n, minSelfBond: 1n },
    extraValidators: [{ key: key1, operator: op1, power: 10n }],
  });
  const seq = new Sequencer();
  try {
    let jailedAt = 0n;
    for (let i = 0; i < 10 && !jailedAt; i++) {
      const b = await t.produce();
      if (b.exec.events.some((e) => e.type === 'slash' && e.reason === 'downtime')) jailedAt = b.block.header.height;
    }
    assert.ok(jailedAt > 0n && jailedAt <= 8n, `jailed at ${jailedAt}`);
    const v = (await getValidator(t.chain.latestState, decodeAddress(op1.address)))!;
    assert.equal(v.jailed, true);
    assert.equal(v.tombstoned, false);
    assert.equal(v.tokens, 10n * POWER - (10n * POWER) / 1000n);
    assert.deepEqual(await codesOf(t, [seq.tx(op1, [{ type: 'staking/unjail' } as AnyMsg])]), ['E_INVALID_MSG'], 'still inside the jail period');
    for (let i = 0; i < 3; i++) await t.produce();
    assert.deepEqual(await codesOf(t, [seq.tx(op1, [{ type: 'staking/unjail' } as AnyMsg])]), ['OK']);
    assert.equal((await getValidator(t.chain.latestState, decodeAddress(op1.address)))!.jailed, false);
  } finally {
    await t.close();
  }
});
