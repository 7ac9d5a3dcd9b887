/**
 * Every rejection path of the proof-market messages (node/modules/market/*.ts). Each failing
 * transaction runs alone in a block; a control block without it is built (not committed) from the
 * same parent, and the market state after the real block must equal the control's, except that
 * the sender paid exactly the fee and used one sequence. So end-of-block work (relists, slashes,
 * expiries) in the same block is allowed, but nothing the failing message wrote survives.
 * Malformed fields never get that far: the transaction does not decode (E_DECODE) and costs nothing.
 * The one rejection that does change state, a lock holder's false proof (slashed), is played in
 * market-attacks.test.ts.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openTestChain, makeTx, type TestChain } from '../helpers/chain.ts';
import { PREIMAGE, PREIMAGE_ID, preimageFill, preimageInputs, requestMsg } from '../helpers/market.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { taggedHash } from '../../node/crypto/hash.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { NO_ID } from '../../node/state/record.ts';
import type { StateReader } from '../../node/state/view.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import { getChainParams } from '../../node/modules/chain-params.ts';
import { Mempool } from '../../node/mempool/mempool.ts';
import { askers, askId, asks, circuitList, fillCommits, MARKET_BONDS, MARKET_ESCROW, offers, proverList, provers, requestProofs, requests, reservations } from '../../node/modules/market/state.ts';
import { requestId } from '../../protocol/messages/market.ts';
import { commitKey, fillCommitment } from '../../node/modules/market/commit-fill.ts';
import { circuitIdOf } from '../../protocol/verification-key.ts';
import { FR } from '../../puzzle/field.ts';
import { exampleCircuits } from '../../genesis/builder.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';
import type { ChainEvent } from '../../node/modules/types.ts';
import { openRequests } from '../../node/modules/market/request-index.ts';

const FEE = 200_000n;
const addr = (k: { address: string }) => decodeAddress(k.address);
const m = (x: Record<string, unknown>) => x as unknown as AnyMsg;
const MERKLE = exampleCircuits()[1]!;
const MERKLE_ID = circuitIdOf(MERKLE.vk, MERKLE.wasmHash);
const UNKNOWN = new Uint8Array(32).fill(7);
const createdIds = (hash: Uint8Array, i: number) => ({
  request: requestId(hash, i),
  offer: taggedHash('quarry/market/offer', hash, new Uint8Array([i])),
  reservation: taggedHash('quarry/market/reservation', hash, new Uint8Array([i])),
});

class Market {
  /** Ids whose records every snapshot reads (fixtures, and what each failing tx would have created). */
  readonly ids = { requests: [] as Uint8Array[], offers: [] as Uint8Array[], reservations: [] as Uint8Array[] };
  constructor(readonly t: TestChain) {}
  async tx(user: AccountKey, msgs: AnyMsg[]): Promise<Uint8Array> {
    const { sequence } = await getAccount(this.t.chain.latestState, addr(user));
    return makeTx(user, msgs, { sequence, fee: FEE });
  }
  async run(user: AccountKey, msgs: AnyMsg[]): Promise<{ code: string; log: string; events: ChainEvent[] }> {
    const block = await this.t.produce([await this.tx(user, msgs)]);
    const r = block.exec.receipts[0];
    if (!r) throw new Error(`transaction not included: ${block.exec.rejected[0]?.error.message}`);
    return r;
  }
  async ok(user: AccountKey, msgs: AnyMsg[]): Promise<ChainEvent[]> {
    const r = await this.run(user, msgs);
    assert.equal(r.code, 'OK', r.log);
    return r.events;
  }
  async request(user: AccountKey, msg: AnyMsg): Promise<Uint8Array> {
    const ev = (await this.ok(user, [msg])).find((e) => e.type === 'market-request');
    const id = fromHex(String(ev?.request));
    this.ids.requests.push(id);
    return id;
  }
  /** The failing tx in its own block: exact code, a log naming the throw site, no events, no state change but fee and sequence. */
  async reject(name: string, user: AccountKey, msgs: AnyMsg[], code: string, log: RegExp): Promise<void> {
    const bytes = await this.tx(user, msgs);
    const hash = decodeTx(bytes).hash;
    msgs.forEach((_, i) => {
      const c = createdIds(hash, i);
      this.ids.requests.push(c.request);
      this.ids.offers.push(c.offer);
      this.ids.reservations.push(c.reservation);
    });
    const time = this.t.chain.head.time + 1000n;
    const lastCommit = (await this.t.chain.getCommit(this.t.chain.head.height)) ?? null;
    const control = await this.t.builder.buildBlock({ txs: [], solutions: [], evidence: [] }, { time, proposer: addr(this.t.operator), lastCommit });
    const expected = await this.snapshot(control.exec.state); // read before the commit moves the control's base
    const block = await this.t.produce([bytes], time);
    const r = block.exec.receipts[0];
    assert.ok(r, `${name}: not included: ${block.exec.rejected[0]?.error.message}`);
    assert.equal(r.code, code, `${name}: ${r.log}`);
    assert.match(r.log, log, name);
    assert.deepEqual(r.events, [], name);
    const key = `account ${user.address}`;
    const a = expected.get(key) as { balance: bigint; sequence: bigint };
    expected.set(key, { balance: a.balance - FEE, sequence: a.sequence + 1n });
    assert.deepEqual(await this.snapshot(this.t.chain.latestState), expected, name);
  }
  async snapshot(s: StateReader): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    for (const u of this.t.users) {
      out.set(`account ${u.address}`, await getAccount(s, addr(u)));
      out.set(`prover ${u.address}`, await provers.get(s, addr(u)));
      out.set(`ask ${u.address}`, await asks.get(s, askId(addr(u), PREIMAGE_ID)));
    }
    out.set('escrow', (await getAccount(s, MARKET_ESCROW)).balance);
    out.set('bonds', (await getAccount(s, MARKET_BONDS)).balance);
    out.set('open', await openRequests.walk(s, NO_ID, 100));
    out.set('circuits', await circuitList.get(s, NO_ID));
    out.set('provers', await proverList.get(s, NO_ID));
    out.set('askers', await askers.get(s, PREIMAGE_ID));
    for (const [i, id] of this.ids.requests.entries()) {
      out.set(`request ${i}`, await requests.get(s, id));
      out.set(`proof ${i}`, await requestProofs.get(s, id));
      for (const u of this.t.users) out.set(`commit ${i} ${u.address}`, await fillCommits.get(s, commitKey(id, addr(u))));
    }
    for (const [i, id] of this.ids.offers.entries()) out.set(`offer ${i}`, await offers.get(s, id));
    for (const [i, id] of this.ids.reservations.entries()) out.set(`reservation ${i}`, await reservations.get(s, id));
    return out;
  }
}

async function setup() {
  const t = await openTestChain({ users: 4 });
  const mk = new Market(t);
  const [requester, proverA, proverB, other] = t.users as [AccountKey, AccountKey, AccountKey, AccountKey];
  for (const p of [proverA, proverB]) await mk.ok(p, [m({ type: 'market/bond', amount: 10_000_000n })]);
  return { t, mk, requester, proverA, proverB, other };
}

const withInputs = (inputs: Array<{ name: string; values: string[] }>) => m({ ...requestMsg(1n), inputs });
const offerMsg = (o: Record<string, unknown> = {}) => m({ type: 'market/offer-capacity', circuitId: PREIMAGE_ID, count: 1n, price: 150_000n, turnaround: 100n, endBlocks: 50n, collateralPerProof: 1_000_000n, ...o });
const offerOf = (events: ChainEvent[]) => fromHex(String(events.find((e) => e.type === 'market-offer')?.offer));
const tamper = (proof: Uint8Array) => proof.map((b, i) => (i === 40 ? b ^ 1 : b));

test('every market rejection has its stable code and changes nothing but the fee and sequence', async () => {
  const { t, mk, requester, proverA, proverB, other } = await setup();
  try {
    const open = await mk.request(requester, requestMsg(101n, { deadlineBlocks: 300n }));
    const picky = await mk.request(requester, requestMsg(102n, { deadlineBlocks: 300n, minReputationPpm: 1_000_000n, collateral: 0n }));
    const locked = await mk.request(requester, requestMsg(103n, { lockBlocks: 200n, deadlineBlocks: 300n }));
    await mk.ok(proverA, [m({ type: 'market/lock', requestId: locked })]);
    const heavy = await mk.request(requester, requestMsg(107n, { deadlineBlocks: 300n, collateral: 20_000_000n }));
    await mk.ok(proverB, [m({ type: 'market/bond', amount: 600_000_000n })]);
    const dear = offerOf(await mk.ok(proverB, [offerMsg({ count: 2n, price: 600_000_000n, collateralPerProof: 300_000_000n, endBlocks: 100n })]));
    mk.ids.offers.push(dear);
    const good = await preimageFill(103n);
    const stranger = await preimageFill(999n);
    const [hash, preimage] = preimageInputs(1n) as [{ name: string; values: string[] }, { name: string; values: string[] }];
    const cases: Array<{ name: string; by: AccountKey; msgs: AnyMsg[]; code: string; log: RegExp }> = [
      { name: 'register: vk that does not decode', by: other, msgs: [m({ type: 'market/register-circuit', name: 'junk', vk: new Uint8Array([1, 2, 3]), wasmHash: new Uint8Array(32), zkeyHash: new Uint8Array(32), nOutputs: 0, publicInputs: [] })], code: 'E_DECODE', log: /CBOR/ },
      { name: 'register: public signal count', by: other, msgs: [m({ type: 'market/register-circuit', name: 'x', vk: PREIMAGE.vk, wasmHash: new Uint8Array(32), zkeyHash: PREIMAGE.zkeyHash, nOutputs: 1, publicInputs: ['hash'] })], code: 'E_INVALID_MSG', log: /public signals, not 1 outputs/ },
      { name: 'register: already registered', by: other, msgs: [m({ type: 'market/register-circuit', ...PREIMAGE })], code: 'E_DUPLICATE', log: /already registered/ },
      { name: 'bond: zero', by: other, msgs: [m({ type: 'market/bond', amount: 0n })], code: 'E_INVALID_MSG', log: /amount must be positive/ },
      { name: 'bond: beyond balance', by: other, msgs: [m({ type: 'market/bond', amount: 2_000_000_000n })], code: 'E_INSUFFICIENT_FUNDS', log: /holds .* needs 2000000000/ },
      { name: 'unbond: zero', by: proverA, msgs: [m({ type: 'market/unbond', amount: 0n })], code: 'E_INSUFFICIENT_FUNDS', log: /free collateral is 9500000/ },
      { name: 'unbond: locked collateral', by: proverA, msgs: [m({ type: 'market/unbond', amount: 9_500_001n })], code: 'E_INSUFFICIENT_FUNDS', log: /free collateral is 9500000/ },
      { name: 'edit-prover: commission above 100 %', by: proverA, msgs: [m({ type: 'market/edit-prover', commissionPpm: 1_000_001n })], code: 'E_INVALID_MSG', log: /at most 1,000,000 ppm/ },
      { name: 'edit-prover: not bonded', by: other, msgs: [m({ type: 'market/edit-prover', commissionPpm: 0n })], code: 'E_INSUFFICIENT_FUNDS', log: /below the protocol minimum/ },
      { name: 'delegate-prover: prover takes no delegations', by: other, msgs: [m({ type: 'market/delegate-prover', prover: addr(proverA), amount: 1n })], code: 'E_NOT_FOUND', log: /takes no delegations/ },
      { name: 'delegate-prover: zero', by: proverA, msgs: [m({ type: 'market/edit-prover', commissionPpm: 0n }), m({ type: 'market/delegate-prover', prover: addr(proverA), amount: 0n })], code: 'E_INVALID_MSG', log: /amount must be positive/ },
      { name: 'undelegate-prover: no delegation', by: other, msgs: [m({ type: 'market/undelegate-prover', prover: addr(proverA), amount: 1n })], code: 'E_NOT_FOUND', log: /takes no delegations/ },
      { name: 'claim-prover-rewards: no delegation', by: other, msgs: [m({ type: 'market/claim-prover-rewards', prover: addr(proverA) })], code: 'E_NOT_FOUND', log: /no delegation to this prover/ },
      { name: 'prover-key: not bonded', by: other, msgs: [m({ type: 'market/prover-key', encryptionKey: new Uint8Array(32) })], code: 'E_INSUFFICIENT_FUNDS', log: /below the protocol minimum/ },
      { name: 'seal: unknown request', by: requester, msgs: [m({ type: 'market/seal', requestId: UNKNOWN, ephemeralKey: new Uint8Array(32), nonce: new Uint8Array(24), ciphertext: new Uint8Array(8) })], code: 'E_NOT_FOUND', log: /unknown proof request/ },
      { name: 'seal: not awaiting a seal', by: requester, msgs: [m({ type: 'market/seal', requestId: open, ephemeralKey: new Uint8Array(32), nonce: new Uint8Array(24), ciphertext: new Uint8Array(8) })], code: 'E_INVALID_MSG', log: /not locked awaiting its seal/ },
      { name: 'request: sealed race', by: requester, msgs: [requestMsg(1n, { mode: 'race', sealed: new Uint8Array(32) })], code: 'E_INVALID_MSG', log: /prover|seal/ },
      { name: 'ask: unknown circuit', by: proverA, msgs: [m({ type: 'market/ask', circuitId: UNKNOWN, price: 1n, maxTurnaround: 5n, capacity: 1n })], code: 'E_NOT_FOUND', log: /unknown circuit/ },
      { name: 'ask: not bonded', by: other, msgs: [m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: 1n, maxTurnaround: 5n, capacity: 1n })], code: 'E_INSUFFICIENT_FUNDS', log: /bond 0 uqry is below the protocol minimum 1000000/ },
      { name: 'ask: bond below the minimum', by: other, msgs: [m({ type: 'market/bond', amount: 999_999n }), m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: 1n, maxTurnaround: 5n, capacity: 1n })], code: 'E_INSUFFICIENT_FUNDS', log: /bond 999999 uqry is below the protocol minimum/ },
      { name: 'ask: zero turnaround', by: proverA, msgs: [m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: 1n, maxTurnaround: 0n, capacity: 1n })], code: 'E_INVALID_MSG', log: /at least one block/ },
      { name: 'ask: a bond earlier in the same tx is undone too', by: other, msgs: [m({ type: 'market/bond', amount: 1_000_000n }), m({ type: 'market/ask', circuitId: PREIMAGE_ID, price: 1n, maxTurnaround: 0n, capacity: 1n })], code: 'E_INVALID_MSG', log: /at least one block/ },
      { name: 'request: unknown circuit', by: requester, msgs: [m({ ...requestMsg(1n), circuitId: UNKNOWN })], code: 'E_NOT_FOUND', log: /unknown circuit/ },
      { name: 'request: input twice', by: requester, msgs: [withInputs([hash, preimage, preimage])], code: 'E_INVALID_MSG', log: /"preimage" appears twice/ },
      { name: 'request: value outside the field', by: requester, msgs: [withInputs([hash, { name: 'preimage', values: [FR.toString()] }])], code: 'E_INVALID_MSG', log: /outside the field/ },
      { name: 'request: public input missing', by: requester, msgs: [withInputs([preimage])], code: 'E_INVALID_MSG', log: /public input "hash" must be given as one value/ },
      { name: 'request: public input with two values', by: requester, msgs: [withInputs([{ name: 'hash', values: [hash.values[0]!, '1'] }, preimage])], code: 'E_INVALID_MSG', log: /public input "hash"/ },
      { name: 'request: minPrice > maxPrice', by: requester, msgs: [requestMsg(1n, { minPrice: 5n, maxPrice: 4n })], code: 'E_INVALID_MSG', log: /minPrice ≤ maxPrice/ },
      { name: 'request: maxPrice > escalationCap', by: requester, msgs: [requestMsg(1n, { maxPrice: 5n, escalationCap: 4n })], code: 'E_INVALID_MSG', log: /≤ escalationCap/ },
      { name: 'request: zero deadline', by: requester, msgs: [requestMsg(1n, { deadlineBlocks: 0n })], code: 'E_INVALID_MSG', log: /deadline must be 1\.\.10000/ },
      { name: 'request: deadline too far', by: requester, msgs: [requestMsg(1n, { deadlineBlocks: 10_001n })], code: 'E_INVALID_MSG', log: /deadline must be 1\.\.10000/ },
      { name: 'request: reputation above 100 %', by: requester, msgs: [requestMsg(1n, { minReputationPpm: 1_000_001n })], code: 'E_INVALID_MSG', log: /at most 1,000,000/ },
      { name: 'request: escrow beyond balance', by: requester, msgs: [requestMsg(1n, { maxPrice: 10n ** 15n })], code: 'E_INSUFFICIENT_FUNDS', log: /needs 1000000000000000/ },
      { name: 'cancel: unknown request', by: requester, msgs: [m({ type: 'market/cancel', requestId: UNKNOWN })], code: 'E_NOT_FOUND', log: /unknown proof request/ },
      { name: 'cancel: not the requester', by: proverA, msgs: [m({ type: 'market/cancel', requestId: open })], code: 'E_INVALID_MSG', log: /only the requester/ },
      { name: 'cancel: locked', by: requester, msgs: [m({ type: 'market/cancel', requestId: locked })], code: 'E_INVALID_MSG', log: /a locked request cannot be cancelled/ },
      { name: 'lock: unknown request', by: proverB, msgs: [m({ type: 'market/lock', requestId: UNKNOWN })], code: 'E_NOT_FOUND', log: /unknown proof request/ },
      { name: 'lock: already locked', by: proverB, msgs: [m({ type: 'market/lock', requestId: locked })], code: 'E_INVALID_MSG', log: /a locked request cannot be locked/ },
      { name: 'lock: not bonded', by: other, msgs: [m({ type: 'market/lock', requestId: open })], code: 'E_INSUFFICIENT_FUNDS', log: /bond 0 uqry is below the protocol minimum/ },
      { name: 'lock: no free collateral', by: proverA, msgs: [m({ type: 'market/lock', requestId: heavy })], code: 'E_INSUFFICIENT_FUNDS', log: /free collateral 9500000 uqry is below the required 20000000/ },
      { name: 'lock: reputation too low', by: proverB, msgs: [m({ type: 'market/lock', requestId: picky })], code: 'E_INVALID_MSG', log: /reputation below/ },
      { name: 'fulfill: unknown request', by: proverA, msgs: [m({ type: 'market/fulfill', requestId: UNKNOWN, ...good })], code: 'E_NOT_FOUND', log: /unknown proof request/ },
      { name: 'fulfill: not locked', by: proverA, msgs: [m({ type: 'market/fulfill', requestId: open, ...good })], code: 'E_INVALID_MSG', log: /a open request cannot be fulfilled/ },
      { name: 'fulfill: locked to another', by: proverB, msgs: [m({ type: 'market/fulfill', requestId: locked, ...good })], code: 'E_INVALID_MSG', log: /locked to another prover/ },
      { name: 'commit: unknown request', by: other, msgs: [m({ type: 'market/commit-fill', requestId: UNKNOWN, commitment: new Uint8Array(32) })], code: 'E_NOT_FOUND', log: /unknown proof request/ },
      { name: 'commit: open request', by: other, msgs: [m({ type: 'market/commit-fill', requestId: open, commitment: new Uint8Array(32) })], code: 'E_INVALID_MSG', log: /a open request takes no fill commitments/ },
      { name: 'reveal: unknown request', by: other, msgs: [m({ type: 'market/reveal-fill', requestId: UNKNOWN, ...good, salt: new Uint8Array(32) })], code: 'E_NOT_FOUND', log: /unknown proof request/ },
      { name: 'reveal: locked request', by: other, msgs: [m({ type: 'market/reveal-fill', requestId: locked, ...good, salt: new Uint8Array(32) })], code: 'E_INVALID_MSG', log: /a locked request is not open to fills/ },
      { name: 'offer: unknown circuit', by: proverA, msgs: [offerMsg({ circuitId: UNKNOWN })], code: 'E_NOT_FOUND', log: /unknown circuit/ },
      ...(['count', 'turnaround', 'endBlocks'] as const).map((f) => ({ name: `offer: zero ${f}`, by: proverA, msgs: [offerMsg({ [f]: 0n })], code: 'E_INVALID_MSG', log: /must be positive/ })),
      { name: 'offer: window too long', by: proverA, msgs: [offerMsg({ endBlocks: 10_001n })], code: 'E_INVALID_MSG', log: /within maxDeadlineBlocks/ },
      { name: 'offer: collateral below the protocol share of the price', by: proverA, msgs: [offerMsg({ collateralPerProof: 74_999n })], code: 'E_INVALID_MSG', log: /collateralPerProof must be at least 75000/ },
      { name: 'offer: collateral beyond free bond', by: proverA, msgs: [offerMsg({ count: 10n })], code: 'E_INSUFFICIENT_FUNDS', log: /free collateral 9500000 uqry is below 10000000/ },
      { name: 'reserve: unknown offer', by: requester, msgs: [m({ type: 'market/reserve', offerId: UNKNOWN, count: 1n })], code: 'E_NOT_FOUND', log: /no such capacity offer/ },
      { name: 'reserve: price beyond balance', by: requester, msgs: [m({ type: 'market/reserve', offerId: dear, count: 2n })], code: 'E_INSUFFICIENT_FUNDS', log: /needs 1200000000/ },
    ];
    for (const c of cases) await mk.reject(c.name, c.by, c.msgs, c.code, c.log);

    // lock in the very block the deadline is reached (end-block relists it right after)
    const soon = await mk.request(requester, requestMsg(104n, { deadlineBlocks: 1n }));
    await mk.reject('lock: past deadline', proverA, [m({ type: 'market/lock', requestId: soon })], 'E_EXPIRED', /past its deadline/);

    // a lock of one block: fulfilling two blocks later is too late (end-block slashes it right after)
    const slow = await mk.request(requester, requestMsg(105n, { lockBlocks: 1n, deadlineBlocks: 300n }));
    await mk.ok(proverB, [m({ type: 'market/lock', requestId: slow })]);
    await t.produce([]);
    const slowFill = await preimageFill(105n);
    await mk.reject('fulfill: lock expired', proverB, [m({ type: 'market/fulfill', requestId: slow, ...slowFill })], 'E_EXPIRED', /lock has expired/);

    // the request is now open-fill: commit-reveal rejections
    const salt = randomBytes(32);
    const commit = (who: AccountKey, proof: Uint8Array) => m({ type: 'market/commit-fill', requestId: slow, commitment: fillCommitment(slow, proof, addr(who), salt) });
    const reveal = (fill: { proof: Uint8Array; publicSignals: string[] }) => m({ type: 'market/reveal-fill', requestId: slow, ...fill, salt });
    await mk.reject('fulfill: open-fill is not the locker\'s', proverB, [m({ type: 'market/fulfill', requestId: slow, ...slowFill })], 'E_INVALID_MSG', /a open-fill request cannot be fulfilled/);
    await mk.reject('reveal: no commitment', proverA, [reveal(slowFill)], 'E_INVALID_MSG', /no fill commitment from an earlier block/);
    await mk.reject('reveal: committed in the same block', proverA, [commit(proverA, slowFill.proof), reveal(slowFill)], 'E_INVALID_MSG', /no fill commitment from an earlier block/);
    await mk.ok(other, [commit(other, tamper(slowFill.proof))]);
    await mk.ok(proverB, [commit(proverB, stranger.proof)]);
    await mk.reject('reveal: does not match the commitment', other, [reveal(slowFill)], 'E_INVALID_MSG', /does not match the commitment/);
    await mk.reject('reveal: committed proof does not verify', other, [reveal({ proof: tamper(slowFill.proof), publicSignals: slowFill.publicSignals })], 'E_INVALID_PROOF', /does not verify/);
    await mk.reject('reveal: public signals of other inputs', proverB, [reveal(stranger)], 'E_INVALID_PROOF', /public signals do not match/);

    // a lock that expires at the deadline: at deadline + 1 it is slashed and, too late for anyone to
    // reveal, refunded in the same end of block (docs/market.md §due-index)
    const late = await mk.request(requester, requestMsg(106n, { lockBlocks: 0n, deadlineBlocks: 2n }));
    await mk.ok(proverA, [m({ type: 'market/lock', requestId: late })]);
    const lateFill = await preimageFill(106n);
    await mk.ok(other, [m({ type: 'market/commit-fill', requestId: late, commitment: fillCommitment(late, lateFill.proof, addr(other), salt) })]);
    const ended = await t.produce([]);
    assert.deepEqual(ended.exec.events.filter((e) => e.request === toHex(late)).map((e) => e.type), ['market-slash', 'market-expired']);
    assert.equal((await requests.get(t.chain.latestState, late))?.status, 'expired');
    await mk.reject('reveal: past deadline', other, [m({ type: 'market/reveal-fill', requestId: late, ...lateFill, salt })], 'E_INVALID_MSG', /a expired request is not open to fills/);

    // capacity offers and reservations
    const start = t.chain.head.height + 1n;
    const offer = offerOf(await mk.ok(proverA, [offerMsg({ count: 2n, endBlocks: 10n })]));
    mk.ids.offers.push(offer);
    const reserve = (count: bigint) => m({ type: 'market/reserve', offerId: offer, count });
    const res = fromHex(String((await mk.ok(requester, [reserve(1n)])).find((e) => e.type === 'market-reservation')?.reservation));
    mk.ids.reservations.push(res);
    await mk.reject('reserve: zero', requester, [reserve(0n)], 'E_INVALID_MSG', /the offer has 1 proofs left/);
    await mk.reject('reserve: more than left', requester, [reserve(2n)], 'E_INVALID_MSG', /the offer has 1 proofs left/);
    await mk.reject('request: someone else\'s reservation', other, [requestMsg(107n, { reservation: res })], 'E_NOT_FOUND', /no such reservation of yours/);
    await mk.reject('request: reservation for another circuit', requester, [m({ ...requestMsg(1n, { reservation: res }), circuitId: MERKLE_ID, inputs: [{ name: 'root', values: ['1'] }] })], 'E_INVALID_MSG', /another circuit/);
    await mk.request(requester, requestMsg(108n, { reservation: res, deadlineBlocks: 300n }));
    await mk.reject('request: reservation used up', requester, [requestMsg(109n, { reservation: res })], 'E_INVALID_MSG', /used up or over/);
    while (t.chain.head.height < start + 9n) await t.produce([]);
    await mk.reject('reserve: offer ended', requester, [reserve(1n)], 'E_EXPIRED', /the offer has ended/);
    // after its end the reservation is deleted, so "over" reads as not found
    await mk.reject('request: reservation ended', requester, [requestMsg(110n, { reservation: res })], 'E_NOT_FOUND', /no such reservation of yours/);
  } finally {
    await t.close();
  }
});

test('malformed fields never reach a block: the transaction does not decode and costs nothing', async () => {
  const { t, mk, requester } = await setup();
  try {
    const pool = new Mempool({ chainId: t.chain.chainId, nextHeight: () => t.chain.head.height + 1n, params: () => getChainParams(t.chain.latestState), state: () => t.chain.latestState });
    const id = await mk.request(requester, requestMsg(201n));
    const fill = await preimageFill(201n);
    const [hash] = preimageInputs(201n);
    const cases: Array<[string, AnyMsg, string, RegExp]> = [
      ['requestId of 31 bytes', m({ type: 'market/cancel', requestId: id.subarray(1) }), 'E_DECODE', /msgs\[0\]\.requestId: expected 32 bytes, got 31/],
      ['proof of 255 bytes', m({ type: 'market/fulfill', requestId: id, proof: fill.proof.subarray(1), publicSignals: fill.publicSignals }), 'E_DECODE', /msgs\[0\]\.proof: expected 256 bytes, got 255/],
      ['salt of 16 bytes', m({ type: 'market/reveal-fill', requestId: id, ...fill, salt: new Uint8Array(16) }), 'E_DECODE', /msgs\[0\]\.salt: expected 32 bytes, got 16/],
      ['hex input value', m({ ...requestMsg(1n), inputs: [hash, { name: 'preimage', values: ['0x1f'] }] }), 'E_DECODE', /inputs\[1\]\.values\[0\]: text does not match/],
      ['input value with a leading zero', m({ ...requestMsg(1n), inputs: [hash, { name: 'preimage', values: ['01'] }] }), 'E_DECODE', /inputs\[1\]\.values\[0\]: text does not match/],
      ['input value of 79 digits', m({ ...requestMsg(1n), inputs: [hash, { name: 'preimage', values: ['9'.repeat(79)] }] }), 'E_DECODE', /inputs\[1\]\.values\[0\]: text longer than 78/],
      ['public signal that is not decimal', m({ type: 'market/fulfill', requestId: id, proof: fill.proof, publicSignals: ['-1'] }), 'E_DECODE', /publicSignals\[0\]: text does not match/],
      ['negative amount', m({ type: 'market/bond', amount: -1n }), 'E_DECODE', /msgs\[0\]\.amount: expected an unsigned 64-bit integer/],
      ['unknown message type', m({ type: 'market/steal', requestId: id }), 'E_UNKNOWN_MSG', /unknown message type "market\/steal"/],
    ];
    const before = await getAccount(t.chain.latestState, addr(requester));
    const height = t.chain.head.height;
    for (const [name, msg, code, log] of cases) {
      const bytes = await mk.tx(requester, [msg]);
      const refused = (e: unknown) => e instanceof QuarryError && e.code === code && log.test(e.message);
      assert.throws(() => decodeTx(bytes), refused, name);
      await assert.rejects(pool.add(bytes), refused, `${name}: mempool`);
      await assert.rejects(t.produce([bytes]), refused, `${name}: block builder`);
    }
    assert.equal(pool.size, 0);
    assert.equal(t.chain.head.height, height, 'no block was made');
    assert.deepEqual(await getAccount(t.chain.latestState, addr(requester)), before, 'no fee, no sequence');
  } finally {
    await t.close();
  }
});
