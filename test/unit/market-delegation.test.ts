/**
 * Delegation to provers (issue #12, docs/market.md §delegation), with real transactions and real
 * Groth16 proofs on a test chain: delegators share a prover's pay after its commission, back its
 * locks and take their share of its slashes; a prover cannot skim its delegators by missing a lock
 * and filling it from a second address; a commission raise waits; only free collateral leaves.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openTestChain, type TestChain } from '../helpers/chain.ts';
import { assertMarketBalanced, MARKET_TX_FEE as FEE, MarketDriver, PREIMAGE_ID, preimageFill, requestMsg } from '../helpers/market.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import { getProver, getRequest } from '../../node/modules/market/state.ts';
import { commissionAt, getDelegation, getPool, proverDelegators } from '../../node/modules/market/delegation.ts';
import { fillCommitment } from '../../node/modules/market/commit-fill.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';

const QRY = 1_000_000n;
const UNBONDING = 5n;
const addr = (k: { address: string }) => decodeAddress(k.address);
const m = (x: Record<string, unknown>) => x as unknown as AnyMsg;
const ask = (price: bigint) => m({ type: 'market/ask', circuitId: PREIMAGE_ID, price, maxTurnaround: 3n, capacity: 4n });
const balance = async (t: TestChain, k: AccountKey) => (await getAccount(t.chain.latestState, addr(k))).balance;
const prover = async (t: TestChain, k: AccountKey) => getProver(t.chain.latestState, addr(k));
const delegate = (to: AccountKey, amount: bigint) => m({ type: 'market/delegate-prover', prover: addr(to), amount });
const undelegate = (from: AccountKey, amount: bigint) => m({ type: 'market/undelegate-prover', prover: addr(from), amount });
const claim = (from: AccountKey) => m({ type: 'market/claim-prover-rewards', prover: addr(from) });
const commission = (ppm: bigint) => m({ type: 'market/edit-prover', commissionPpm: ppm });

async function setup() {
  const t = await openTestChain({ users: 5, market: { bondUnbondingBlocks: UNBONDING } });
  return { t, mk: new MarketDriver(t), u: t.users as AccountKey[] };
}

/** What a delegator's claim pays now (its balance change plus the fee). */
async function claimed(t: TestChain, mk: MarketDriver, who: AccountKey, from: AccountKey): Promise<bigint> {
  const before = await balance(t, who);
  await mk.ok(who, [claim(from)]);
  return (await balance(t, who)) - before + FEE;
}

test('delegators back a prover\'s locks, share its pay after commission, claim it, and leave only with free collateral', async () => {
  const { t, mk, u } = await setup();
  const [requester, p, d, stranger] = u as [AccountKey, AccountKey, AccountKey, AccountKey];
  try {
    assert.equal((await mk.run(d, [delegate(stranger, QRY)])).code, 'E_NOT_FOUND', 'a prover that has not opened delegation takes none');
    await mk.ok(p, [m({ type: 'market/bond', amount: 10n * QRY }), commission(100_000n), ask(10n * QRY)]);
    await mk.ok(d, [delegate(p, 30n * QRY)]);
    assert.equal((await prover(t, p)).delegated, 30n * QRY);
    // 35 QRY of collateral: more than the bond, within the stake
    const id = await mk.request(requester, requestMsg(401n, { minPrice: 10n * QRY, maxPrice: 20n * QRY, collateral: 35n * QRY, lockBlocks: 3n, deadlineBlocks: 40n }));
    assert.deepEqual((await getRequest(t.chain.latestState, id)).lock!.prover, addr(p), 'the stake, not the bond alone, covers the lock');
    const refused = await mk.run(d, [undelegate(p, 6n * QRY)]);
    assert.equal(refused.code, 'E_INSUFFICIENT_FUNDS', 'stake backing an open lock cannot leave');
    assert.match(refused.log, /free collateral is 5000000/);
    assert.equal((await mk.run(p, [m({ type: 'market/unbond', amount: 6n * QRY })])).code, 'E_INSUFFICIENT_FUNDS', 'nor can the prover\'s own');
    const p0 = await balance(t, p);
    await mk.ok(p, [m({ type: 'market/fulfill', requestId: id, ...(await preimageFill(401n)) })]);
    // pay 9.9 QRY (the 1 % fee burned); commission 10 % of it; the delegators' 30/40 of the rest
    const toDelegators = ((9_900_000n - 990_000n) * 30n) / 40n;
    assert.equal((await balance(t, p)) - p0, 9_900_000n - toDelegators - FEE);
    const got = await claimed(t, mk, d, p);
    assert.ok(got <= toDelegators && toDelegators - got <= 1n, `claimed ${got} of ${toDelegators}`);
    await assertMarketBalanced(t);
    const d0 = await balance(t, d);
    await mk.ok(d, [undelegate(p, 30n * QRY)]);
    assert.equal((await prover(t, p)).delegated, 0n);
    assert.equal((await getDelegation(t.chain.latestState, addr(d), addr(p)))!.unbonding.length, 1, 'listed while unbonding');
    for (let i = 0n; i < UNBONDING; i++) await t.produce();
    assert.equal((await balance(t, d)) - d0, 30n * QRY - FEE, 'the stake came back after the unbonding delay');
    assert.equal(await getDelegation(t.chain.latestState, addr(d), addr(p)), undefined);
    assert.equal(await proverDelegators.count(t.chain.latestState, addr(p)), 0n);
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('a slash takes bond and delegations in proportion, and missing a lock to fill it from a second address earns less than delivering', async () => {
  const { t, mk, u } = await setup();
  const [requester, p, sybil, d] = u as [AccountKey, AccountKey, AccountKey, AccountKey];
  const bait = (x: bigint) => requestMsg(x, { minPrice: 15n * QRY, maxPrice: 30n * QRY, collateral: 20n * QRY, lockBlocks: 3n, deadlineBlocks: 40n });
  try {
    await mk.ok(p, [m({ type: 'market/bond', amount: 10n * QRY }), commission(0n), ask(10n * QRY)]);
    await mk.ok(d, [delegate(p, 30n * QRY)]);
    // on time: the delegators get 30/40 of the 9.9 QRY pay
    let w0 = await mk.wealth(p, sybil);
    const onTimeId = await mk.request(requester, bait(411n));
    await mk.ok(p, [m({ type: 'market/fulfill', requestId: onTimeId, ...(await preimageFill(411n)) })]);
    const onTime = (await mk.wealth(p, sybil)) - w0;
    assert.equal(onTime, 9_900_000n - 7_425_000n - FEE);
    // late: the same lock left to time out while the sybil waits to fill it
    w0 = await mk.wealth(p, sybil);
    const r0 = await balance(t, requester);
    const id = await mk.request(requester, bait(412n));
    const fill = await preimageFill(412n);
    const salt = randomBytes(32);
    await mk.ok(sybil, [m({ type: 'market/commit-fill', requestId: id, commitment: fillCommitment(id, fill.proof, addr(sybil), salt) })]);
    while ((await getRequest(t.chain.latestState, id)).status === 'locked') await t.produce();
    const missed = await getRequest(t.chain.latestState, id);
    assert.equal(missed.status, 'open-fill');
    const after = await prover(t, p);
    assert.equal(after.bond, 5n * QRY, 'a quarter of the 20 QRY collateral from the bond (10 of 40 staked)');
    assert.equal(after.delegated, 15n * QRY, 'three quarters from the delegations');
    assert.equal(missed.maxPrice, 12n * QRY, 'the price rose by the requester\'s share of the bond\'s part only (40 % of 5 QRY)');
    assert.deepEqual(missed.owedTo, [{ prover: addr(p), amount: 7_425_000n }], 'what the delegators would have earned stays owed');
    await mk.ok(sybil, [m({ type: 'market/reveal-fill', requestId: id, ...fill, salt })]);
    const late = (await mk.wealth(p, sybil)) - w0;
    // −5 QRY of bond; the sybil: 12 QRY − 0.12 fee − 7.425 owed + the 2 QRY filler share
    assert.equal(late, -5n * QRY + 12n * QRY - 120_000n - 7_425_000n + 2n * QRY - 2n * FEE);
    assert.ok(late < onTime, `late ${late} < on time ${onTime}`);
    assert.ok(r0 - (await balance(t, requester)) - FEE <= 10n * QRY, 'the requester paid no more than on time');
    const got = await claimed(t, mk, d, p);
    assert.ok(2n * 7_425_000n - got <= 2n, `the delegators got both shares (${got}), having lost 15 QRY of stake`);
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('commission: opening needs the minimum bond, a cut is at once, a raise waits the unbonding period; a prover holding locks keeps its minimum bond', async () => {
  const { t, mk, u } = await setup();
  const [requester, p] = u as [AccountKey, AccountKey];
  try {
    assert.equal((await mk.run(p, [commission(0n)])).code, 'E_INSUFFICIENT_FUNDS', 'no delegation without the protocol\'s minimum bond');
    await mk.ok(p, [m({ type: 'market/bond', amount: 2n * QRY }), commission(100_000n)]);
    const pool = async () => (await getPool(t.chain.latestState, addr(p)))!;
    assert.equal(commissionAt(await pool(), t.chain.head.height), 100_000n, 'the first commission holds at once');
    await mk.ok(p, [commission(500_000n)]);
    const raisedAt = t.chain.head.height;
    assert.equal(commissionAt(await pool(), raisedAt), 100_000n, 'a raise does not bite at once');
    assert.equal(commissionAt(await pool(), raisedAt + UNBONDING), 500_000n, 'but after the unbonding period');
    await mk.ok(p, [commission(50_000n)]);
    assert.equal(commissionAt(await pool(), t.chain.head.height), 50_000n, 'a cut is at once');
    const over = await mk.run(p, [commission(1_000_001n)]);
    assert.equal(over.code, 'E_INVALID_MSG');
    const id = await mk.request(requester, requestMsg(421n, { minPrice: 0n, maxPrice: 0n, collateral: 0n, rampBlocks: 0n }));
    await mk.ok(p, [m({ type: 'market/lock', requestId: id })]);
    const kept = await mk.run(p, [m({ type: 'market/unbond', amount: 1_500_000n })]);
    assert.equal(kept.code, 'E_INSUFFICIENT_FUNDS');
    assert.match(kept.log, /keeps a bond of 1000000/);
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});
