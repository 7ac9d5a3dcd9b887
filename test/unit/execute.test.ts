import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { getAccount, totalSupply } from '../../node/modules/bank/account.ts';
import { REWARDS_POOL } from '../../node/modules/staking/state.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { openTestChain, makeTx, sendMsg, USER_BALANCE, CHAIN_ID } from '../helpers/chain.ts';
import { signBeacon } from '../../node/chain/beacon.ts';
import { devnetValidatorKey } from '../../genesis/builder.ts';
import { getBeaconMix } from '../../node/modules/beacon.ts';
import { taggedHash } from '../../node/crypto/hash.ts';

const addr = (k: { address: string }) => decodeAddress(k.address);

test('transfers move funds, fees and the block reward go to the rewards pool, supply grows only by the reward', async () => {
  const t = await openTestChain();
  try {
    const [a, b, c] = t.users;
    const supply0 = await totalSupply(t.chain.latestState);
    const tx1 = makeTx(a!, [sendMsg(b!, 1000n)], { sequence: 0n, fee: 500n });
    const tx2 = makeTx(a!, [{ type: 'bank/multi-send', outputs: [{ to: addr(b!), amount: 10n }, { to: addr(c!), amount: 20n }] } as AnyMsg], { sequence: 1n, fee: 700n });
    const block = await t.produce([tx1, tx2]);
    assert.equal(block.txs.length, 2);
    assert.deepEqual(block.exec.receipts.map((r) => r.code), ['OK', 'OK']);
    const s = t.chain.latestState;
    assert.equal((await getAccount(s, addr(a!))).balance, USER_BALANCE - 1000n - 500n - 30n - 700n);
    assert.equal((await getAccount(s, addr(a!))).sequence, 2n);
    assert.equal((await getAccount(s, addr(b!))).balance, USER_BALANCE + 1010n);
    assert.equal((await getAccount(s, addr(c!))).balance, USER_BALANCE + 20n);
    const reward = t.genesis.params.chain.blockReward;
    assert.equal((await getAccount(s, REWARDS_POOL)).balance, reward + 1200n);
    assert.equal(await totalSupply(s), supply0 + reward);
  } finally {
    await t.close();
  }
});

test('a failing message keeps the fee and sequence but reverts everything else', async () => {
  const t = await openTestChain();
  try {
    const [a, b] = t.users;
    const tooMuch = makeTx(a!, [sendMsg(b!, 1n), sendMsg(b!, USER_BALANCE * 2n)], { sequence: 0n, fee: 900n });
    const block = await t.produce([tooMuch]);
    assert.equal(block.exec.receipts[0]!.code, 'E_INSUFFICIENT_FUNDS');
    const acct = await getAccount(t.chain.latestState, addr(a!));
    assert.equal(acct.balance, USER_BALANCE - 900n);
    assert.equal(acct.sequence, 1n);
    assert.equal((await getAccount(t.chain.latestState, addr(b!))).balance, USER_BALANCE);
    const zero = makeTx(a!, [sendMsg(b!, 0n)], { sequence: 1n });
    assert.equal((await t.produce([zero])).exec.receipts[0]!.code, 'E_INVALID_MSG');
  } finally {
    await t.close();
  }
});

test('replays, wrong chain, expired and underpaid transactions are skipped by the builder and refused in a block', async () => {
  const t = await openTestChain();
  try {
    const [a, b] = t.users;
    const good = makeTx(a!, [sendMsg(b!, 5n)], { sequence: 0n });
    await t.produce([good]);
    const cases: Record<string, Uint8Array> = {
      E_SEQUENCE: good,
      E_WRONG_CHAIN: makeTx(a!, [sendMsg(b!, 5n)], { sequence: 1n, chainId: 'other-chain' }),
      E_EXPIRED: makeTx(a!, [sendMsg(b!, 5n)], { sequence: 1n, expiresAtHeight: 1n }),
      E_FEE_TOO_LOW: makeTx(a!, [sendMsg(b!, 5n)], { sequence: 1n, fee: 1n }),
    };
    for (const [code, bytes] of Object.entries(cases)) {
      const built = await t.builder.buildBlock({ txs: [decodeTx(bytes)], solutions: [], evidence: [] }, { time: t.chain.head.time + 1n, proposer: addr(t.operator), lastCommit: null });
      assert.equal(built.txs.length, 0, code);
      assert.equal(built.exec.rejected[0]?.error.code, code);
    }
    // a block that carries such a transaction anyway is invalid for every validator
    const honest = await t.builder.buildBlock({ txs: [], solutions: [], evidence: [] }, { time: t.chain.head.time + 1n, proposer: addr(t.operator), lastCommit: (await t.chain.getCommit(1n))! });
    const forged = { ...honest.block, txs: [good] };
    await assert.rejects(t.builder.verifyBlock(forged), /E_SEQUENCE/);
  } finally {
    await t.close();
  }
});

test('verifyBlock rejects tampered headers, wrong proposers and missing commits', async () => {
  const t = await openTestChain();
  try {
    const [a, b] = t.users;
    await t.produce([]);
    const proposer = addr(t.operator);
    const lastCommit = (await t.chain.getCommit(1n))!;
    const c = await t.builder.buildBlock({ txs: [decodeTx(makeTx(a!, [sendMsg(b!, 5n)], { sequence: 0n }))], solutions: [], evidence: [] }, { time: t.chain.head.time + 1n, proposer, lastCommit });
    // the honest block verifies
    assert.equal(toHex((await t.builder.verifyBlock(c.block)).hash), toHex(c.hash));
    const h = c.block.header;
    const bad = (header: Partial<typeof h>) => ({ ...c.block, header: { ...h, ...header } });
    await assert.rejects(t.builder.verifyBlock(bad({ stateRoot: new Uint8Array(32) })), /stateRoot/);
    await assert.rejects(t.builder.verifyBlock(bad({ txRoot: new Uint8Array(32) })), /txRoot/);
    await assert.rejects(t.builder.verifyBlock(bad({ height: 5n })), /does not follow/);
    await assert.rejects(t.builder.verifyBlock(bad({ prevHash: new Uint8Array(32) })), /prevHash/);
    await assert.rejects(t.builder.verifyBlock(bad({ chainId: 'x' })), /chain/);
    await assert.rejects(t.builder.verifyBlock(bad({ time: 1n })), /not after/);
    await assert.rejects(t.builder.verifyBlock(bad({ proposer: addr(a!) })), /not in the validator set/);
    // the beacon: the proposer's own signature of this height, nothing else (docs/consensus.md §beacon)
    await assert.rejects(t.builder.verifyBlock(bad({ beacon: signBeacon(CHAIN_ID, h.height + 1n, t.validator.blsSecretKey) })), /beacon is not its proposer's signature/);
    await assert.rejects(t.builder.verifyBlock(bad({ beacon: signBeacon(CHAIN_ID, h.height, devnetValidatorKey(1).blsSecretKey) })), /beacon is not its proposer's signature/);
    await assert.rejects(t.builder.verifyBlock(bad({ beacon: new Uint8Array(96) })), /beacon is not its proposer's signature/);
    await assert.rejects(t.builder.verifyBlock({ ...c.block, lastCommit: null }), /previous block commit/);
    const forgedCommit = { ...lastCommit, signature: Uint8Array.from(lastCommit.signature, (x, i) => (i === 5 ? x ^ 1 : x)) };
    await assert.rejects(t.builder.verifyBlock({ ...c.block, lastCommit: forgedCommit }), /E_BAD_COMMIT|commit/);
    assert.equal(t.chain.head.height, 1n, 'nothing was committed by rejected blocks');
  } finally {
    await t.close();
  }
});

test('two chains applying the same blocks reach the same state root', async () => {
  const t1 = await openTestChain();
  const t2 = await openTestChain();
  try {
    const [a, b, c] = t1.users;
    for (let i = 0; i < 5; i++) {
      const txs = [makeTx(a!, [sendMsg(b!, BigInt(i + 1))], { sequence: BigInt(i) }), makeTx(c!, [sendMsg(a!, 7n)], { sequence: BigInt(i) })];
      const made = await t1.produce(txs, 10_000n + BigInt(i));
      const verified = await t2.builder.verifyBlock(made.block);
      await t2.chain.commit(verified, (await t1.chain.getCommit(made.block.header.height))!);
    }
    assert.equal(t1.chain.head.height, 5n);
    assert.equal(toHex(await t1.chain.state.rootHashAt(5n)), toHex(await t2.chain.state.rootHashAt(5n)));
    assert.equal(toHex(t1.chain.head.hash), toHex(t2.chain.head.hash));
    assert.equal(t1.chain.chainId, CHAIN_ID);
  } finally {
    await t1.close();
    await t2.close();
  }
});

test('the beacon mix takes every block\'s proposer signature in turn, the same on every node', async () => {
  const t = await openTestChain();
  try {
    const mixes = [await getBeaconMix(t.chain.latestState)];
    for (let i = 0; i < 3; i++) {
      const c = await t.produce([]);
      assert.equal(toHex(c.block.header.beacon), toHex(signBeacon(CHAIN_ID, c.block.header.height, t.validator.blsSecretKey)), 'BLS is unique: one signature per height');
      mixes.push(await getBeaconMix(t.chain.latestState));
      assert.equal(toHex(mixes.at(-1)!), toHex(taggedHash('quarry/beacon-mix', mixes.at(-2)!, c.block.header.beacon)));
    }
    assert.equal(new Set(mixes.map(toHex)).size, 4, 'a fresh value every block');
  } finally {
    await t.close();
  }
});
