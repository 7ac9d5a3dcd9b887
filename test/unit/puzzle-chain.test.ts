/** Solutions on the chain: inclusion, payment, and every way a solution or a block with one fails. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestChain, deterministicUser, type TestChain } from '../helpers/chain.ts';
import { puzzleFixtures } from '../helpers/puzzle.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import { getTargets } from '../../node/modules/puzzle/state.ts';
import { epochOf, getChainParams } from '../../node/modules/chain-params.ts';
import { decodeSolution, signSolution, solutionId, type Solution } from '../../puzzle/solution.ts';
import { canonicalBlinding, FR } from '../../puzzle/field.ts';
import { encodeProof } from '../../protocol/proof-codec.ts';
import { merkleRoot } from '../../node/crypto/merkle.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { encode } from '../../protocol/encoding/cbor.ts';
import { SolutionPool } from '../../node/puzzle/pool.ts';
import { testChecker } from '../helpers/chain.ts';
import { QuarryError } from '../../protocol/errors.ts';

const prover = deterministicUser(77);
const proverAddr = decodeAddress(prover.address);
const easy = { initialCoinbaseTarget: 1n, minCoinbaseTarget: 1n, targetShift: 0n, proverReward: 1_000_000n };

async function nextEpoch(t: TestChain): Promise<bigint> {
  return epochOf(t.chain.head.height + 1n, await getChainParams(t.chain.latestState));
}

/** A signed solution for the next block's epoch; `mutate` may tamper with the proof. */
async function solve(t: TestChain, nonce: bigint, opts: { epoch?: bigint; shift?: bigint; key?: typeof prover } = {}): Promise<Solution> {
  const { prover: p, circuit } = await puzzleFixtures();
  const epoch = opts.epoch ?? (await nextEpoch(t));
  const st = { challenge: await t.chain.challengeFor(epoch), address: proverAddr, nonce };
  let proof = (await p.prove(st)).bytes;
  if (opts.shift) {
    const { r, s } = canonicalBlinding(circuit.id, st);
    proof = encodeProof(p.toAffine(p.proveWith(await p.witness(st), (r + opts.shift) % FR, s)));
  }
  const key = opts.key ?? prover;
  return decodeSolution(signSolution(t.chain.chainId, { epoch, address: proverAddr, nonce, proof }, key.secretKey, key.publicKey), t.chain.chainId);
}

async function rejectionOf(t: TestChain, s: Solution): Promise<string | undefined> {
  const built = await t.builder.buildBlock({ txs: [], solutions: [s], evidence: [] }, { time: t.chain.head.time + 1n, proposer: decodeAddress(t.operator.address), lastCommit: (await t.chain.getCommit(t.chain.head.height)) ?? null });
  return built.exec.rejectedSolutions[0]?.error.code;
}

test('a valid solution is included, paid, and committed to by solutionsRoot', async () => {
  const t = await openTestChain({ puzzle: easy });
  try {
    await t.produce();
    const s = await solve(t, 1n);
    const targets = await getTargets(t.chain.latestState);
    const block = await t.produce([], undefined, [s]);
    assert.equal(block.solutions.length, 1);
    assert.deepEqual(block.block.header.solutionsRoot, merkleRoot([solutionId(s.body)]));
    assert.equal(block.block.header.proofTarget, targets.proofTarget);
    const paid = (await getAccount(t.chain.latestState, proverAddr)).balance;
    assert.equal(paid, 1_000_000n, 'one solution of 1 share against coinbaseTarget 1 earns the whole reward');
    assert.ok(block.exec.events.some((e) => e.type === 'solution' && e.reward === '1000000'));
    const height = block.block.header.height;
    assert.deepEqual(await t.chain.getBlockEvents(height), block.exec.events, 'block events are stored with the block');
    // the block verifies on a fresh chain too (re-execution reproduces the payment)
    const t2 = await openTestChain({ puzzle: easy });
    try {
      for (let h = 1n; h <= t.chain.head.height; h++) {
        const b = (await t.chain.getBlock(h))!;
        await t2.chain.commit(await t2.builder.verifyBlock(b.block), (await t.chain.getCommit(h))!);
      }
      assert.equal(toHex(t2.chain.head.hash), toHex(t.chain.head.hash));
      assert.deepEqual(await t2.chain.getBlockEvents(height), block.exec.events, 'a re-executing node stores the same events');
    } finally {
      await t2.close();
    }
  } finally {
    await t.close();
  }
});

test('replayed, wrong-epoch, below-target, badly signed and non-canonical solutions are refused', async () => {
  const t = await openTestChain({ puzzle: easy, params: { epochLength: 3n } });
  try {
    await t.produce();
    const paid = await solve(t, 5n);
    await t.produce([], undefined, [paid]);
    assert.equal(await rejectionOf(t, paid), 'E_DUPLICATE');
    assert.equal(await rejectionOf(t, await solve(t, 6n, { shift: 3n })), 'E_NOT_CANONICAL');
    const stranger = deterministicUser(78);
    await assert.rejects(solve(t, 7n, { key: stranger }), (e: unknown) => e instanceof QuarryError && e.code === 'E_BAD_SIGNATURE');
    // move to the next epoch: last epoch's solutions are stale
    const old = await solve(t, 8n);
    while ((await nextEpoch(t)) === old.body.epoch) await t.produce();
    assert.equal(await rejectionOf(t, old), 'E_WRONG_EPOCH');
    // a solution for the new epoch pays again, and the epoch's challenge changed
    assert.notEqual(await t.chain.challengeFor(old.body.epoch), await t.chain.challengeFor(await nextEpoch(t)));
    assert.equal(await rejectionOf(t, await solve(t, 5n)), undefined);
  } finally {
    await t.close();
  }
  const hard = await openTestChain({ puzzle: { initialCoinbaseTarget: 1n << 40n, minCoinbaseTarget: 1n << 40n, targetShift: 0n } });
  try {
    await hard.produce();
    assert.equal(await rejectionOf(hard, await solve(hard, 1n)), 'E_BELOW_TARGET');
  } finally {
    await hard.close();
  }
});

test('validators reject a block that carries a non-canonical solution', async () => {
  const t = await openTestChain({ puzzle: easy });
  try {
    await t.produce();
    const honest = await t.builder.buildBlock({ txs: [], solutions: [], evidence: [] }, { time: t.chain.head.time + 1n, proposer: decodeAddress(t.operator.address), lastCommit: (await t.chain.getCommit(1n))! });
    const bad = await solve(t, 9n, { shift: 1n });
    const forged = { ...honest.block, solutions: [encode(bad)] };
    await assert.rejects(t.builder.verifyBlock(forged), /E_NOT_CANONICAL/);
    assert.equal(t.chain.head.height, 1n);
  } finally {
    await t.close();
  }
});

test('the solution pool admits cheapest-check-first and rate-limits keys that send bad proofs', async () => {
  const t = await openTestChain({ puzzle: easy });
  try {
    await t.produce();
    let now = 1_000_000;
    const pool = new SolutionPool(t.chain, testChecker, { maxPending: 10, failureLimit: 2, banMs: 60_000 }, () => now);
    const good = await solve(t, 11n);
    const codeOf = async (bytes: Uint8Array) => pool.add(bytes).then(() => 'OK', (e: QuarryError) => e.code);
    assert.equal(await codeOf(encode(good)), 'OK');
    assert.equal(await codeOf(encode(good)), 'E_DUPLICATE');
    assert.equal(await codeOf(new Uint8Array([1, 2, 3])), 'E_SOLUTION_ENCODING');
    assert.equal(await codeOf(encode({ ...good, body: { ...good.body, epoch: 5n } })), 'E_BAD_SIGNATURE');
    assert.equal(await codeOf(encode(await solve(t, 12n, { shift: 1n }))), 'E_NOT_CANONICAL');
    assert.equal(await codeOf(encode(await solve(t, 13n, { shift: 2n }))), 'E_NOT_CANONICAL');
    assert.equal(await codeOf(encode(await solve(t, 14n))), 'E_RATE_LIMITED', 'two audit failures ban the key');
    now += 61_000;
    assert.equal(await codeOf(encode(await solve(t, 14n))), 'OK', 'the ban expires');
    assert.equal(pool.size, 2);
    const reaped = await pool.reap(8);
    assert.equal(reaped.length, 2);
    await t.produce([], undefined, reaped);
    await pool.onCommitted(reaped);
    assert.equal(pool.size, 0);
  } finally {
    await t.close();
  }
});
