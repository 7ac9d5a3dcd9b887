/**
 * Attacks on the proof market's economics (issue #11, docs/market.md §invariants), each played as
 * the attacker would, with real transactions and real Groth16 proofs on a test chain, and each
 * asserting that the attacker ends worse off than by behaving honestly.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openTestChain, type TestChain } from '../helpers/chain.ts';
import { assertMarketBalanced, MARKET_TX_FEE as FEE, MarketDriver, PREIMAGE_ID, preimageFill, preimageProver, requestMsg } from '../helpers/market.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import { getProver, getRequest, reputationPpm, type ProofRequest } from '../../node/modules/market/state.ts';
import { fillCommitment } from '../../node/modules/market/commit-fill.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';

import { equalBytes } from '../../protocol/encoding/bytes.ts';

const QRY = 1_000_000n;
const addr = (k: { address: string }) => decodeAddress(k.address);
const m = (x: Record<string, unknown>) => x as unknown as AnyMsg;
const ask = (price: bigint, capacity = 4n) => m({ type: 'market/ask', circuitId: PREIMAGE_ID, price, maxTurnaround: 3n, capacity });
const balance = async (t: TestChain, k: AccountKey) => (await getAccount(t.chain.latestState, addr(k))).balance;
const request = (t: TestChain, id: Uint8Array): Promise<ProofRequest> => getRequest(t.chain.latestState, id);
/** Exploit 1's request: ask 10 QRY against maxPrice 30 QRY with 30 QRY of collateral. */
const lateBait = (x: bigint) => requestMsg(x, { minPrice: 15n * QRY, maxPrice: 30n * QRY, collateral: 30n * QRY, lockBlocks: 3n, deadlineBlocks: 40n });

async function setup(users = 5) {
  const t = await openTestChain({ users });
  const mk = new MarketDriver(t);
  return { t, mk, u: t.users as AccountKey[] };
}

/** Produces blocks until the current lock of the request is gone (slashed, then open or rotated). */
async function untilLockMissed(t: TestChain, id: Uint8Array): Promise<void> {
  const locker = (await request(t, id)).lock!.prover;
  const held = async () => {
    const r = await request(t, id);
    return r.status === 'locked' && equalBytes(r.lock!.prover, locker);
  };
  while (await held()) await t.produce();
}

/** Open fill by `by`: commit now (even while the request is still locked), reveal once it is open. */
async function commitRevealFill(t: TestChain, mk: MarketDriver, by: AccountKey, id: Uint8Array, x: bigint): Promise<void> {
  const fill = await preimageFill(x);
  const salt = randomBytes(32);
  await mk.ok(by, [m({ type: 'market/commit-fill', requestId: id, commitment: fillCommitment(id, fill.proof, addr(by), salt) })]);
  await untilLockMissed(t, id);
  await mk.ok(by, [m({ type: 'market/reveal-fill', requestId: id, ...fill, salt })]);
}

test('delay never pays: letting a lock time out and filling it late (itself or from a second address) earns less than on time', async () => {
  const { t, mk, u } = await setup();
  const [requester, cheat, sybil] = u as [AccountKey, AccountKey, AccountKey];
  try {
    await mk.ok(cheat, [m({ type: 'market/bond', amount: 100n * QRY }), ask(10n * QRY)]);
    // honest: fulfil on time
    let w0 = await mk.wealth(cheat, sybil);
    let r0 = await balance(t, requester);
    const honestId = await mk.request(requester, lateBait(301n));
    assert.equal((await request(t, honestId)).lock!.price, 10n * QRY);
    await mk.ok(cheat, [m({ type: 'market/fulfill', requestId: honestId, ...(await preimageFill(301n)) })]);
    const honestGain = (await mk.wealth(cheat, sybil)) - w0;
    const honestPaid = r0 - (await balance(t, requester)) - FEE;
    assert.equal(honestGain, 10n * QRY - 100_000n - FEE);
    // late: the same lock held to its timeout, then filled by the cheat itself or its sybil
    for (const [x, filler] of [[302n, cheat], [303n, sybil]] as const) {
      w0 = await mk.wealth(cheat, sybil);
      r0 = await balance(t, requester);
      const id = await mk.request(requester, lateBait(x));
      assert.equal((await request(t, id)).lock!.price, 10n * QRY);
      await commitRevealFill(t, mk, filler, id, x);
      const r = await request(t, id);
      assert.equal(r.status, 'fulfilled');
      assert.deepEqual(r.filledBy, addr(filler));
      const lateGain = (await mk.wealth(cheat, sybil)) - w0;
      const latePaid = r0 - (await balance(t, requester)) - FEE;
      assert.ok(lateGain < honestGain, `late via ${filler === cheat ? 'itself' : 'a sybil'} earned ${lateGain}, on time ${honestGain}`);
      assert.equal(lateGain, 22n * QRY - 220_000n + 12n * QRY - 30n * QRY - 2n * FEE, 'paid 10 + 12 (the requester\'s share) QRY, plus the 12 QRY filler share, minus the 30 QRY slashed');
      assert.ok(latePaid <= honestPaid, `the requester paid ${latePaid} late, ${honestPaid} on time`);
    }
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('a missed lock rotates at once to the next eligible ask, never back to the prover that missed', async () => {
  const { t, mk, u } = await setup();
  const [requester, silent, next] = u as [AccountKey, AccountKey, AccountKey];
  try {
    await mk.ok(silent, [m({ type: 'market/bond', amount: 100n * QRY }), ask(10n * QRY)]);
    await mk.ok(next, [m({ type: 'market/bond', amount: 100n * QRY }), ask(15n * QRY)]);
    const r0 = await balance(t, requester);
    const id = await mk.request(requester, lateBait(311n));
    assert.deepEqual((await request(t, id)).lock!.prover, addr(silent), 'the cheaper ask wins');
    await untilLockMissed(t, id);
    const r = await request(t, id);
    assert.equal(r.status, 'locked', 'rotated in the block the lock timed out');
    assert.deepEqual(r.lock!.prover, addr(next));
    assert.equal(r.lock!.price, 15n * QRY, 'its own ask, within the missed price plus the requester\'s share (22 QRY)');
    assert.equal(r.fillerReward, 12n * QRY);
    const n0 = await balance(t, next);
    await mk.ok(next, [m({ type: 'market/fulfill', requestId: id, ...(await preimageFill(311n)) })]);
    assert.equal((await balance(t, next)) - n0, 15n * QRY - 150_000n + 12n * QRY - FEE);
    assert.equal((await getProver(t.chain.latestState, addr(next))).onTime, 1n, 'on time on its own lock');
    assert.equal(r0 - (await balance(t, requester)) - FEE, 15n * QRY - 12n * QRY, 'the requester paid less than the missed 10 QRY lock price');
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('stalling costs in proportion to the bid: no lock without the minimum bond; a zero-collateral request still costs its staller half the price', async () => {
  const { t, mk, u } = await setup();
  const [requester, staller] = u as [AccountKey, AccountKey];
  try {
    const id = await mk.request(requester, requestMsg(321n, { minPrice: 4n * QRY, maxPrice: 4n * QRY, collateral: 0n, lockBlocks: 3n, deadlineBlocks: 40n }));
    const refused = await mk.run(staller, [m({ type: 'market/lock', requestId: id })]);
    assert.equal(refused.code, 'E_INSUFFICIENT_FUNDS', 'an account with no bond cannot lock');
    assert.match(refused.log, /below the protocol minimum/);
    await mk.ok(staller, [m({ type: 'market/bond', amount: 3n * QRY })]);
    const w0 = await mk.wealth(staller);
    const r0 = await balance(t, requester);
    await mk.ok(staller, [m({ type: 'market/lock', requestId: id })]);
    assert.equal((await request(t, id)).lock!.collateral, 2n * QRY, '50 % of the 4 QRY price, whatever the request said');
    await untilLockMissed(t, id);
    assert.equal((await mk.wealth(staller)) - w0, -2n * QRY - FEE, 'the stall cost the whole lock collateral');
    assert.equal((await balance(t, requester)) - r0, 800_000n, '40 % of it to the requester it delayed');
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('reputation cannot be farmed with tiny self-fills: a reachable minimum admits an honest prover and refuses the farmer', async () => {
  const { t, mk, u } = await setup();
  const [requester, farmer, honest] = u as [AccountKey, AccountKey, AccountKey];
  try {
    await mk.ok(farmer, [m({ type: 'market/bond', amount: 10n * QRY }), ask(50n)]);
    const w0 = await mk.wealth(farmer);
    for (const x of [331n, 332n, 333n]) {
      const id = await mk.request(farmer, requestMsg(x, { minPrice: 50n, maxPrice: 50n }));
      await mk.ok(farmer, [m({ type: 'market/fulfill', requestId: id, ...(await preimageFill(x)) })]);
    }
    assert.equal((await mk.wealth(farmer)) - w0, -6n * FEE - 3n, 'each wash fill burned its rounded-up 1 uqry fee');
    await mk.ok(farmer, [ask(0n, 0n)]);
    await mk.ok(honest, [m({ type: 'market/bond', amount: 10n * QRY }), ask(QRY)]);
    const first = await mk.request(requester, requestMsg(334n, { maxPrice: 2n * QRY }));
    await mk.ok(honest, [m({ type: 'market/fulfill', requestId: first, ...(await preimageFill(334n)) })]);
    await mk.ok(honest, [ask(0n, 0n)]);
    const farmed = reputationPpm(await getProver(t.chain.latestState, addr(farmer)));
    const earned = reputationPpm(await getProver(t.chain.latestState, addr(honest)));
    assert.equal(earned, 90_909n, 'one real 1 QRY fill: 1 / (1 + 10 prior)');
    assert.ok(farmed < 50n, `three 50 uqry self-fills weigh nothing: ${farmed}`);
    const picky = await mk.request(requester, requestMsg(335n, { maxPrice: 2n * QRY, minReputationPpm: 50_000n }));
    assert.equal((await mk.run(farmer, [m({ type: 'market/lock', requestId: picky })])).code, 'E_INVALID_MSG', 'the farmer is below the gate');
    await mk.ok(honest, [m({ type: 'market/lock', requestId: picky })]);
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('reputation cannot be shed: a fresh address starts below a prover with a poor record', async () => {
  const { t, mk, u } = await setup();
  const [requester, poor, fresh] = u as [AccountKey, AccountKey, AccountKey];
  try {
    await mk.ok(poor, [m({ type: 'market/bond', amount: 10n * QRY }), ask(QRY)]);
    for (const x of [341n, 342n]) {
      const id = await mk.request(requester, requestMsg(x, { maxPrice: 2n * QRY, lockBlocks: 2n, deadlineBlocks: 40n }));
      await untilLockMissed(t, id); // missed twice
    }
    const id = await mk.request(requester, requestMsg(343n, { maxPrice: 2n * QRY }));
    await mk.ok(poor, [m({ type: 'market/fulfill', requestId: id, ...(await preimageFill(343n)) })]);
    const p = await getProver(t.chain.latestState, addr(poor));
    assert.deepEqual([p.locks, p.onTime, p.slashed], [3n, 1n, 2n]);
    await mk.ok(fresh, [m({ type: 'market/bond', amount: 10n * QRY })]);
    const poorRep = reputationPpm(p);
    const freshRep = reputationPpm(await getProver(t.chain.latestState, addr(fresh)));
    assert.equal(freshRep, 0n);
    assert.ok(freshRep < poorRep, `fresh ${freshRep} vs poor record ${poorRep}`);
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('nobody gets a proof free: a cache hit pays the first prover what the first request paid', async () => {
  const { t, mk, u } = await setup();
  const [first, prover, copier] = u as [AccountKey, AccountKey, AccountKey];
  try {
    await mk.ok(prover, [m({ type: 'market/bond', amount: 100n * QRY }), ask(10n * QRY)]);
    const id = await mk.request(first, requestMsg(351n, { maxPrice: 30n * QRY, collateral: QRY }));
    await mk.ok(prover, [m({ type: 'market/fulfill', requestId: id, ...(await preimageFill(351n)) })]);
    await mk.ok(prover, [ask(0n, 0n)]);
    const p0 = await balance(t, prover);
    const c0 = await balance(t, copier);
    const again = await mk.request(copier, requestMsg(351n, { minPrice: 0n, maxPrice: 30n * QRY }));
    assert.equal((await request(t, again)).status, 'fulfilled');
    assert.equal(c0 - (await balance(t, copier)), 10n * QRY + FEE, 'the copier paid the first price, not its own minPrice of 0');
    assert.equal((await balance(t, prover)) - p0, 10n * QRY - 100_000n);
    // unwilling to pay the first price: no cache hit, an ordinary open request
    const cheap = await mk.request(copier, requestMsg(351n, { minPrice: 0n, maxPrice: 9n * QRY }));
    assert.equal((await request(t, cheap)).status, 'open');
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('a false proof from the lock holder is rejected and slashed, and the request rotates on', async () => {
  const { t, mk, u } = await setup();
  const [requester, liar, next] = u as [AccountKey, AccountKey, AccountKey];
  try {
    await mk.ok(liar, [m({ type: 'market/bond', amount: 100n * QRY }), ask(10n * QRY)]);
    await mk.ok(next, [m({ type: 'market/bond', amount: 100n * QRY }), ask(12n * QRY)]);
    const id = await mk.request(requester, lateBait(361n));
    const good = await preimageFill(361n);
    const w0 = await mk.wealth(liar);
    const r0 = await balance(t, requester);
    const res = await mk.run(liar, [m({ type: 'market/fulfill', requestId: id, proof: good.proof.map((b, i) => (i === 40 ? b ^ 1 : b)), publicSignals: good.publicSignals })]);
    assert.equal(res.code, 'E_INVALID_PROOF');
    assert.match(res.log, /the lock is slashed/);
    assert.deepEqual(res.events.map((e) => [e.type, e.reason ?? null]), [['market-slash', 'false-proof'], ['market-lock', null]]);
    assert.equal((await mk.wealth(liar)) - w0, -30n * QRY - FEE, 'the whole collateral, not only the fee');
    assert.equal((await balance(t, requester)) - r0, 12n * QRY + 8n * QRY, 'its 40 % share, and the escrow above the new 22 QRY cap');
    const r = await request(t, id);
    assert.deepEqual(r.lock!.prover, addr(next));
    assert.equal((await getProver(t.chain.latestState, addr(liar))).slashed, 1n);
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('an honest prover is never slashed for an unprovable request: it declines within the accept window and the requester pays', async () => {
  const { t, mk, u } = await setup();
  const [requester, honest, sybil, third] = u as [AccountKey, AccountKey, AccountKey, AccountKey];
  try {
    for (const p of [honest, sybil, third]) await mk.ok(p, [m({ type: 'market/bond', amount: 100n * QRY })]);
    await mk.ok(honest, [ask(10n * QRY)]);
    // a hash that is not Poseidon(7): no witness exists, as the prover's own witness generation finds
    const unprovable = m({ ...(lateBait(7n) as object), inputs: [{ name: 'hash', values: ['12345'] }, { name: 'preimage', values: ['7'] }] });
    await assert.rejects((await preimageProver()).prove({ preimage: 7n, hash: 12345n }), (e: unknown) => (e as { code?: string }).code === 'E_NO_WITNESS');
    const before = await getProver(t.chain.latestState, addr(honest));
    const [w0, r0] = [await mk.wealth(honest), await balance(t, requester)];
    const id = await mk.request(requester, unprovable);
    assert.deepEqual((await request(t, id)).lock!.prover, addr(honest), 'auto-matched to the standing ask');
    assert.equal((await mk.run(sybil, [m({ type: 'market/decline', requestId: id })])).code, 'E_INVALID_MSG', 'only the lock holder declines');
    const declined = await mk.ok(honest, [m({ type: 'market/decline', requestId: id })]);
    assert.deepEqual(declined.events.map((e) => [e.type, e.fee ?? null]), [['market-decline', String(QRY)]]);
    // the honest prover: out one transaction fee, its record exactly as before the lock
    assert.equal((await mk.wealth(honest)) - w0, -FEE);
    assert.deepEqual(await getProver(t.chain.latestState, addr(honest)), before);
    let r = await request(t, id);
    assert.equal(r.status, 'open');
    assert.equal(r.maxPrice, 10n * QRY, 'declining never raises the price (no gain from a second address)');
    assert.match((await mk.run(honest, [m({ type: 'market/lock', requestId: id })])).log, /you declined this request/);
    // two more provers find no witness either: at maxDeclines (3) the request is cancelled, the rest refunded
    for (const p of [sybil, third]) {
      await mk.ok(p, [m({ type: 'market/lock', requestId: id })]);
      await mk.ok(p, [m({ type: 'market/decline', requestId: id })]);
    }
    r = await request(t, id);
    assert.equal(r.status, 'cancelled');
    assert.equal(r0 - (await balance(t, requester)), FEE + QRY + QRY + 900_000n, 'the requester paid 10 % of the price per decline (burned), no more');
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('the accept window is short: after it a lock holder cannot decline and a missed lock is slashed as before', async () => {
  const { t, mk, u } = await setup();
  const [requester, prover] = u as [AccountKey, AccountKey];
  try {
    await mk.ok(prover, [m({ type: 'market/bond', amount: 100n * QRY }), m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: 10n * QRY, maxTurnaround: 20n, capacity: 1n })]);
    const id = await mk.request(requester, requestMsg(8n, { maxPrice: 20n * QRY, collateral: 20n * QRY, lockBlocks: 20n, deadlineBlocks: 40n }));
    const lockedAt = (await request(t, id)).lock!.lockedAt;
    while (t.chain.head.height <= lockedAt + 5n) await t.produce();
    const late = await mk.run(prover, [m({ type: 'market/decline', requestId: id })]);
    assert.equal(late.code, 'E_EXPIRED');
    assert.match(late.log, new RegExp(`accept window closed at height ${lockedAt + 5n}`));
    assert.equal((await request(t, id)).status, 'locked');
    await untilLockMissed(t, id);
    assert.equal((await getProver(t.chain.latestState, addr(prover))).slashed, 1n);
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('many small withdrawals cannot halt the chain: same-height ones merge, at most 64 wait at once, and state never holds a record it cannot read back', async () => {
  // before: each market/unbond appended to the prover's list (schema bound 64) unchecked; the 65th
  // was stored, and the end of block that released it failed to read it back, for good
  const t = await openTestChain({ users: 2, market: { bondUnbondingBlocks: 100n } });
  const mk = new MarketDriver(t);
  const p = t.users[0] as AccountKey;
  const unbond = m({ type: 'market/unbond', amount: 1n });
  try {
    await mk.ok(p, [m({ type: 'market/bond', amount: 100n * QRY })]);
    await mk.ok(p, [unbond, unbond, unbond]);
    assert.deepEqual((await getProver(t.chain.latestState, addr(p))).unbonding.map((u) => u.amount), [3n], 'one entry per release height');
    for (let i = 1; i < 64; i++) await mk.ok(p, [unbond]);
    const refused = await mk.run(p, [unbond]);
    assert.equal(refused.code, 'E_INVALID_MSG');
    assert.match(refused.log, /at most 64 withdrawals/);
    const b0 = await balance(t, p);
    while ((await getProver(t.chain.latestState, addr(p))).unbonding.length > 0) await t.produce();
    assert.equal((await balance(t, p)) - b0, 66n, 'every withdrawal was paid out and the chain went on');
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});
