/** The proof market's messages and lifecycle on a real chain with real Groth16 proofs. */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openTestChain } from '../helpers/chain.ts';
import { MarketDriver, PREIMAGE_ID, preimageFill, requestMsg } from '../helpers/market.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import { getProver, getRequest, MARKET_BONDS, MARKET_ESCROW, requestProofs } from '../../node/modules/market/state.ts';
import { fillCommitment } from '../../node/modules/market/commit-fill.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';

const addr = (k: { address: string }) => decodeAddress(k.address);
const m = (x: Record<string, unknown>) => x as unknown as AnyMsg;

async function setup() {
  const t = await openTestChain({ users: 4 });
  const mk = new MarketDriver(t);
  const [requester, proverA, proverB, other] = t.users as [AccountKey, AccountKey, AccountKey, AccountKey];
  for (const p of [proverA, proverB]) assert.equal((await mk.run(p, [m({ type: 'market/bond', amount: 10_000_000n })])).code, 'OK');
  return { t, mk, requester, proverA, proverB, other };
}

test('an ask matches a request at once; the locker fulfils with a real proof and is paid its ask price', async () => {
  const { t, mk, requester, proverA } = await setup();
  try {
    assert.equal((await mk.run(proverA, [m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: 300_000n, maxTurnaround: 5n, capacity: 2n })])).code, 'OK');
    const before = (await getAccount(t.chain.latestState, addr(requester))).balance;
    const id = await mk.request(requester, requestMsg(7n, { maxPrice: 1_000_000n }));
    let r = await getRequest(t.chain.latestState, id);
    assert.equal(r.status, 'locked');
    assert.equal(r.lock!.price, 300_000n, 'the ask price, not the requester limit');
    const fill = await preimageFill(7n);
    const paidBefore = (await getAccount(t.chain.latestState, addr(proverA))).balance;
    assert.equal((await mk.run(proverA, [m({ type: 'market/fulfill', requestId: id, ...fill })])).code, 'OK');
    r = await getRequest(t.chain.latestState, id);
    assert.equal(r.status, 'fulfilled');
    const fee = 300_000n / 100n;
    assert.equal((await getAccount(t.chain.latestState, addr(proverA))).balance, paidBefore - 200_000n + 300_000n - fee);
    assert.equal((await getAccount(t.chain.latestState, addr(requester))).balance, before - 200_000n - 300_000n, 'the rest of the escrow came back');
    assert.ok(await requestProofs.get(t.chain.latestState, id));
    assert.equal((await getProver(t.chain.latestState, addr(proverA))).onTime, 1n);
    assert.equal((await getProver(t.chain.latestState, addr(proverA))).locked, 0n, 'collateral released');
  } finally {
    await t.close();
  }
});

test('strangers cannot fulfil a lock; bad requests are refused', async () => {
  const { t, mk, requester, proverA, proverB } = await setup();
  try {
    await mk.run(proverA, [m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: 300_000n, maxTurnaround: 5n, capacity: 1n })]);
    const id = await mk.request(requester, requestMsg(11n));
    const good = await preimageFill(11n);
    assert.equal((await mk.run(proverB, [m({ type: 'market/fulfill', requestId: id, ...good })])).code, 'E_INVALID_MSG', 'not the locker');
    assert.equal((await getRequest(t.chain.latestState, id)).status, 'locked');
    const bad: Array<[string, AnyMsg]> = [
      ['E_INVALID_MSG', requestMsg(1n, { minPrice: 5n, maxPrice: 4n })],
      ['E_INVALID_MSG', requestMsg(1n, { deadlineBlocks: 0n })],
      ['E_INVALID_MSG', m({ ...requestMsg(1n), inputs: [{ name: 'preimage', values: ['1'] }] })],
      ['E_NOT_FOUND', m({ ...requestMsg(1n), circuitId: new Uint8Array(32) })],
      ['E_INSUFFICIENT_FUNDS', requestMsg(1n, { maxPrice: 10n ** 15n })],
    ];
    for (const [code, msg] of bad) assert.equal((await mk.run(requester, [msg])).code, code, code);
    assert.equal((await mk.run(requester, [m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: 1n, maxTurnaround: 5n, capacity: 1n })])).code, 'E_INSUFFICIENT_FUNDS', 'asks need the minimum bond');
    assert.equal((await mk.run(proverA, [m({ type: 'market/unbond', amount: 10_000_000n })])).code, 'E_INSUFFICIENT_FUNDS', 'locked collateral cannot leave');
  } finally {
    await t.close();
  }
});

test('a lock that times out is slashed; anyone may then fill with commit-reveal; a copied proof earns nothing', async () => {
  const { t, mk, requester, proverA, proverB, other } = await setup();
  try {
    const id = await mk.request(requester, requestMsg(21n, { maxPrice: 1_000_000n, lockBlocks: 2n, deadlineBlocks: 30n, collateral: 2_000_000n }));
    assert.equal((await mk.run(proverA, [m({ type: 'market/lock', requestId: id })])).code, 'OK');
    const requesterBefore = (await getAccount(t.chain.latestState, addr(requester))).balance;
    let r = await getRequest(t.chain.latestState, id);
    const price = r.lock!.price;
    assert.equal(price, 625_000n, 'locked one block into the 4-block ramp from 500,000 to 1,000,000');
    for (let i = 0; i < 3; i++) await t.produce();
    r = await getRequest(t.chain.latestState, id);
    assert.equal(r.status, 'open-fill', 'nobody else asks, so nobody is rotated in');
    assert.equal(r.fillerReward, 800_000n, '40 % of the collateral waits for the filler');
    assert.equal(r.maxPrice, 1_000_000n, 'a late fill is paid at most the missed lock\'s price plus the requester\'s share (here above maxPrice)');
    assert.equal(r.escrow, 1_000_000n + 800_000n);
    assert.equal((await getAccount(t.chain.latestState, addr(requester))).balance, requesterBefore + 800_000n, '40 % to the requester');
    const a = await getProver(t.chain.latestState, addr(proverA));
    assert.equal(a.bond, 8_000_000n);
    assert.equal(a.late, 1n);
    // proverB commits first, then reveals; `other` saw the proof and tries to use it
    const fill = await preimageFill(21n);
    const salt = randomBytes(32);
    assert.equal((await mk.run(proverB, [m({ type: 'market/commit-fill', requestId: id, commitment: fillCommitment(id, fill.proof, addr(proverB), salt) })])).code, 'OK');
    const copierSalt = randomBytes(32);
    assert.equal((await mk.run(other, [m({ type: 'market/reveal-fill', requestId: id, ...fill, salt: copierSalt })])).code, 'E_INVALID_MSG', 'no earlier commitment');
    await mk.run(other, [m({ type: 'market/commit-fill', requestId: id, commitment: fillCommitment(id, fill.proof, addr(other), copierSalt) })]);
    const bBefore = (await getAccount(t.chain.latestState, addr(proverB))).balance;
    assert.equal((await mk.run(proverB, [m({ type: 'market/reveal-fill', requestId: id, ...fill, salt })])).code, 'OK');
    assert.equal((await mk.run(other, [m({ type: 'market/reveal-fill', requestId: id, ...fill, salt: copierSalt })])).code, 'E_INVALID_MSG', 'already filled');
    r = await getRequest(t.chain.latestState, id);
    assert.equal(r.status, 'fulfilled');
    assert.deepEqual(r.filledBy, addr(proverB));
    assert.equal((await getAccount(t.chain.latestState, addr(proverB))).balance, bBefore - 200_000n + 1_000_000n - 10_000n + 800_000n);
    assert.equal((await getAccount(t.chain.latestState, MARKET_ESCROW)).balance, 0n);
  } finally {
    await t.close();
  }
});

test('an unlocked request climbs the auction, is relisted higher at its deadline, then a prover locks and fills it', async () => {
  const { t, mk, requester, proverA } = await setup();
  try {
    const id = await mk.request(requester, requestMsg(31n, { minPrice: 100_000n, maxPrice: 200_000n, rampBlocks: 4n, deadlineBlocks: 5n, escalationCap: 450_000n }));
    for (let i = 0; i < 5; i++) await t.produce();
    let r = await getRequest(t.chain.latestState, id);
    assert.equal(r.relists, 1n);
    assert.equal(r.maxPrice, 300_000n, 'raised by half');
    assert.equal(r.minPrice, 200_000n);
    assert.equal((await mk.run(proverA, [m({ type: 'market/lock', requestId: id })])).code, 'OK');
    r = await getRequest(t.chain.latestState, id);
    assert.ok(r.lock!.price > 200_000n && r.lock!.price < 300_000n, `locked mid-ramp at ${r.lock!.price}`);
    assert.equal((await mk.run(proverA, [m({ type: 'market/fulfill', requestId: id, ...(await preimageFill(31n)) })])).code, 'OK');
    // relisting stops at the cap: an untaken request is finally refunded in full
    const id2 = await mk.request(requester, requestMsg(32n, { minPrice: 100n, maxPrice: 200n, deadlineBlocks: 2n, escalationCap: 300n }));
    for (let i = 0; i < 8; i++) await t.produce();
    r = await getRequest(t.chain.latestState, id2);
    assert.equal(r.status, 'expired');
    assert.equal(r.maxPrice, 300n);
    assert.equal(r.escrow, 0n);
  } finally {
    await t.close();
  }
});

test('proving futures: a reservation delivers at its fixed price; identical requests are served from the cache', async () => {
  const { t, mk, requester, proverA, other } = await setup();
  try {
    const offer = await mk.run(proverA, [m({ type: 'market/offer-capacity', circuitId: PREIMAGE_ID, count: 3n, price: 150_000n, turnaround: 4n, endBlocks: 40n, collateralPerProof: 1_000_000n })]);
    assert.equal(offer.code, 'OK');
    const { taggedHash } = await import('../../node/crypto/hash.ts');
    const offerId = taggedHash('quarry/market/offer', offer.hash, new Uint8Array([0]));
    assert.equal((await getProver(t.chain.latestState, addr(proverA))).locked, 3_000_000n);
    const res = await mk.run(requester, [m({ type: 'market/reserve', offerId, count: 2n })]);
    assert.equal(res.code, 'OK');
    const reservation = taggedHash('quarry/market/reservation', res.hash, new Uint8Array([0]));
    const id = await mk.request(requester, requestMsg(41n, { maxPrice: 10_000_000n, reservation }));
    const r = await getRequest(t.chain.latestState, id);
    assert.equal(r.status, 'locked');
    assert.equal(r.lock!.price, 150_000n, 'the reserved price, whatever the request said');
    assert.equal((await mk.run(proverA, [m({ type: 'market/fulfill', requestId: id, ...(await preimageFill(41n)) })])).code, 'OK');
    assert.equal((await mk.run(other, [requestMsg(42n, { reservation })])).code, 'E_NOT_FOUND', 'only the buyer uses a reservation');
    // the same (circuit, inputs) again: answered at once from the stored proof, at the price it was first paid
    const otherBefore = (await getAccount(t.chain.latestState, addr(other))).balance;
    const aBefore = (await getAccount(t.chain.latestState, addr(proverA))).balance;
    const again = await mk.request(other, requestMsg(41n, { minPrice: 0n, maxPrice: 200_000n }));
    const cached = await getRequest(t.chain.latestState, again);
    assert.equal(cached.status, 'fulfilled');
    assert.equal(cached.paid, 150_000n);
    assert.deepEqual(cached.filledBy, addr(proverA));
    assert.equal((await getAccount(t.chain.latestState, addr(other))).balance, otherBefore - 200_000n - 150_000n, 'the new requester paid the first price, no more');
    assert.equal((await getAccount(t.chain.latestState, addr(proverA))).balance, aBefore + 150_000n - 1_500n, 'the prover is paid again, less the fee');
    // at the end of the window the unused reservation is refunded and collateral released
    const buyerBefore = (await getAccount(t.chain.latestState, addr(requester))).balance;
    while (t.chain.head.height < 45n) await t.produce();
    assert.equal((await getProver(t.chain.latestState, addr(proverA))).locked, 0n);
    assert.equal((await getAccount(t.chain.latestState, addr(requester))).balance, buyerBefore + 150_000n, 'the one unused reserved proof is refunded to the buyer');
    assert.equal((await getAccount(t.chain.latestState, MARKET_ESCROW)).balance, 0n);
  } finally {
    await t.close();
  }
});

test('cancel refunds an unlocked request; unbonding returns collateral after its delay', async () => {
  const { t, mk, requester, proverA } = await setup();
  try {
    const before = (await getAccount(t.chain.latestState, addr(requester))).balance;
    const id = await mk.request(requester, requestMsg(51n, { maxPrice: 700_000n }));
    assert.equal((await mk.run(proverA, [m({ type: 'market/cancel', requestId: id })])).code, 'E_INVALID_MSG');
    assert.equal((await mk.run(requester, [m({ type: 'market/cancel', requestId: id })])).code, 'OK');
    assert.equal((await getAccount(t.chain.latestState, addr(requester))).balance, before - 400_000n);
    assert.equal((await getAccount(t.chain.latestState, MARKET_ESCROW)).balance, 0n);
    assert.equal((await mk.run(proverA, [m({ type: 'market/unbond', amount: 4_000_000n })])).code, 'OK');
    const bonds = (await getAccount(t.chain.latestState, MARKET_BONDS)).balance;
    for (let i = 0; i < 51; i++) await t.produce();
    assert.equal((await getAccount(t.chain.latestState, MARKET_BONDS)).balance, bonds - 4_000_000n);
  } finally {
    await t.close();
  }
});

test('maxOpenRequests caps the open book: a request beyond it is refused until one closes', async () => {
  const t = await openTestChain({ users: 1, market: { maxOpenRequests: 2n } });
  const mk = new MarketDriver(t);
  const [requester] = t.users as [AccountKey];
  try {
    const first = await mk.request(requester, requestMsg(61n));
    await mk.request(requester, requestMsg(62n));
    const before = (await getAccount(t.chain.latestState, addr(requester))).balance;
    const full = await mk.run(requester, [requestMsg(63n)]);
    assert.equal(full.code, 'E_MEMPOOL_FULL');
    assert.match(full.log, /too many open requests/);
    assert.equal((await getAccount(t.chain.latestState, addr(requester))).balance, before - 200_000n, 'only the fee: nothing escrowed');
    await mk.ok(requester, [m({ type: 'market/cancel', requestId: first })]);
    assert.equal((await getRequest(t.chain.latestState, await mk.request(requester, requestMsg(63n)))).status, 'open');
  } finally {
    await t.close();
  }
});
