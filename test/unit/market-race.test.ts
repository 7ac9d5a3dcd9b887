/**
 * Race mode (issue #12, docs/market.md §race) with real Groth16 proofs of the prover-bound example
 * circuit: bonded provers commit inside the window and reveal after it; the first `winners` valid
 * proofs in commit order share the price; a proof copied to a second address fails (it is bound to
 * its prover), and so does a re-randomized copy (valid bytes of its own, the same statement), a
 * late commit is refused, and racers that never reveal lose their collateral.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { poseidon1 } from 'poseidon-lite';
import { circuitFiles } from '../../circuits/artifacts.ts';
import { circuitIdOf } from '../../protocol/verification-key.ts';
import { exampleCircuits } from '../../genesis/builder.ts';
import { Groth16Prover } from '../../puzzle/groth16-prover.ts';
import { openTestChain, type TestChain } from '../helpers/chain.ts';
import { assertMarketBalanced, MARKET_TX_FEE as FEE, MarketDriver, requestMsg } from '../helpers/market.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import { getRequest } from '../../node/modules/market/state.ts';
import { fillCommitment } from '../../node/modules/market/commit-fill.ts';
import { proverField } from '../../node/modules/market/inputs.ts';
import { decodeProof, encodeProof, toSnarkjs } from '../../protocol/proof-codec.ts';
import * as snarkjs from 'snarkjs';
import { bn254 } from '@noble/curves/bn254.js';
import type { AccountKey } from '../../node/crypto/keyfile.ts';

const QRY = 1_000_000n;
const BOUND = exampleCircuits().find((c) => c.name === 'bound-preimage')!;
const BOUND_ID = circuitIdOf(BOUND.vk, BOUND.wasmHash);
const addr = (k: { address: string }) => decodeAddress(k.address);
const m = (x: Record<string, unknown>) => x as unknown as AnyMsg;
const balance = async (t: TestChain, k: AccountKey) => (await getAccount(t.chain.latestState, addr(k))).balance;

let prover: Promise<Groth16Prover> | null = null;
async function boundProof(x: bigint, by: AccountKey): Promise<{ proof: Uint8Array; publicSignals: string[] }> {
  const f = circuitFiles('bound-preimage');
  prover ??= Groth16Prover.create(new Uint8Array(readFileSync(f.zkey)), new Uint8Array(readFileSync(f.wasm)));
  const p = await (await prover).prove({ preimage: x, hash: poseidon1([x]), prover: proverField(addr(by)) });
  return { proof: p.proof, publicSignals: p.publicSignals.map(String) };
}

/** Groth16's malleability: (θA, θ⁻¹B, C) verifies wherever (A, B, C) does. */
function rerandomize(bytes: Uint8Array, theta: bigint): Uint8Array {
  const p = decodeProof(bytes);
  const { Fp2, Fr } = bn254.fields;
  const b = bn254.G2.Point.fromAffine({ x: Fp2.create({ c0: p.b[0][0], c1: p.b[0][1] }), y: Fp2.create({ c0: p.b[1][0], c1: p.b[1][1] }) }).multiply(Fr.inv(theta)).toAffine();
  const a = bn254.G1.Point.fromAffine({ x: p.a[0], y: p.a[1] }).multiply(theta).toAffine();
  return encodeProof({ a: [a.x, a.y], b: [[b.x.c0, b.x.c1], [b.y.c0, b.y.c1]], c: p.c });
}

const race = (x: bigint, o: { winners?: bigint; lockBlocks?: bigint; deadlineBlocks?: bigint } = {}) => ({
  ...(requestMsg(x, { mode: 'race', winners: o.winners ?? 2n, minPrice: 10n * QRY, maxPrice: 10n * QRY, collateral: QRY, lockBlocks: o.lockBlocks ?? 4n, deadlineBlocks: o.deadlineBlocks ?? 12n }) as unknown as Record<string, unknown>),
  circuitId: BOUND_ID,
  inputs: [{ name: 'hash', values: [poseidon1([x]).toString()] }, { name: 'preimage', values: [x.toString()] }],
}) as unknown as AnyMsg;

test('a race: commits close before reveals, the first two valid proofs in commit order share the price, copies and silence lose', async () => {
  const t = await openTestChain({ users: 7 });
  const mk = new MarketDriver(t);
  const [requester, a, b, silent, copier, late, rerandomizer] = t.users as [AccountKey, AccountKey, AccountKey, AccountKey, AccountKey, AccountKey, AccountKey];
  try {
    for (const p of [a, b, silent, copier, late, rerandomizer]) await mk.ok(p, [m({ type: 'market/bond', amount: 10n * QRY })]);
    const r0 = await balance(t, requester);
    const id = await mk.request(requester, race(601n, { lockBlocks: 8n, deadlineBlocks: 16n }));
    assert.equal((await getRequest(t.chain.latestState, id)).status, 'race');
    const proofA = await boundProof(601n, a);
    const proofB = await boundProof(601n, b);
    const salt = randomBytes(32);
    const commit = (by: AccountKey, proof: Uint8Array) => m({ type: 'market/commit-fill', requestId: id, commitment: fillCommitment(id, proof, addr(by), salt) });
    const reveal = (p: { proof: Uint8Array; publicSignals: string[] }) => m({ type: 'market/reveal-fill', requestId: id, ...p, salt });
    // commit order: a, b, silent, copier (who commits to a's proof bytes, to reveal them as its own)
    await mk.ok(a, [commit(a, proofA.proof)]);
    await mk.ok(b, [commit(b, proofB.proof)]);
    await mk.ok(silent, [commit(silent, proofA.proof)]);
    await mk.ok(copier, [commit(copier, proofA.proof)]);
    // a's proof re-randomized (θA, θ⁻¹B, C): new bytes, still valid for a's statement, committed under another address
    const reshaped = rerandomize(proofA.proof, 987_654_321n);
    const vkey = JSON.parse(readFileSync(circuitFiles('bound-preimage').vkey, 'utf8')) as object;
    assert.equal(await snarkjs.groth16.verify(vkey, proofA.publicSignals, toSnarkjs(decodeProof(reshaped))), true, 'the reshaped copy is a valid proof of a\'s statement');
    assert.notDeepEqual(reshaped, proofA.proof);
    await mk.ok(rerandomizer, [commit(rerandomizer, reshaped)]);
    assert.equal((await mk.run(a, [commit(a, proofA.proof)])).code, 'E_DUPLICATE', 'one entry per prover');
    assert.equal((await mk.run(b, [reveal(proofB)])).code, 'E_INVALID_MSG', 'no reveal inside the commit window');
    const r = await getRequest(t.chain.latestState, id);
    while (t.chain.head.height < r.listedAt + r.lockBlocks) await t.produce();
    assert.equal((await mk.run(late, [commit(late, proofA.proof)])).code, 'E_EXPIRED', 'the window closed: nobody commits after seeing a proof');
    // reveals: b first, then a; the copier's bytes carry a's address, so they do not verify for it
    const [a0, b0] = [await balance(t, a), await balance(t, b)];
    await mk.ok(b, [reveal(proofB)]);
    const copied = await mk.run(copier, [reveal(proofA)]);
    assert.equal(copied.code, 'E_INVALID_PROOF', 'a proof is bound to its prover');
    const withOwnAddress = [proofA.publicSignals[0]!, proverField(addr(rerandomizer)).toString()];
    for (const publicSignals of [proofA.publicSignals, withOwnAddress]) {
      assert.equal((await mk.run(rerandomizer, [reveal({ proof: reshaped, publicSignals })])).code, 'E_INVALID_PROOF', 're-randomizing does not change whose proof it is');
    }
    await mk.ok(a, [reveal(proofA)]);
    while ((await getRequest(t.chain.latestState, id)).status === 'race') await t.produce();
    const done = await getRequest(t.chain.latestState, id);
    assert.equal(done.status, 'fulfilled');
    assert.deepEqual(done.filledBy, addr(a), 'the first in commit order, though it revealed second');
    assert.equal(done.paid, 10n * QRY);
    assert.equal((await balance(t, a)) - a0, 5n * QRY - 50_000n - FEE, 'half the price less the 1 % fee');
    assert.equal((await balance(t, b)) - b0, 5n * QRY - 50_000n - FEE);
    // each winner: 5 QRY less the 1 % fee, plus its collateral back; silent, copier and re-randomizer lost 2.5 QRY each (half the share)
    const requesterShare = 3n * 1_000_000n; // 40 % of each 2.5 QRY slash
    assert.equal(r0 - (await balance(t, requester)), 10n * QRY - requesterShare + FEE);
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});

test('race rules: a circuit without a prover input cannot race, winners 1..16 and only in a race, the commit window closes before the deadline', async () => {
  const t = await openTestChain({ users: 2 });
  const mk = new MarketDriver(t);
  const requester = t.users[0] as AccountKey;
  try {
    const refused = async (msg: AnyMsg, code: string, log: RegExp) => {
      const r = await mk.run(requester, [msg]);
      assert.equal(r.code, code, r.log);
      assert.match(r.log, log);
    };
    await refused(requestMsg(1n, { mode: 'race', winners: 1n, lockBlocks: 2n }), 'E_INVALID_MSG', /public input named "prover"/);
    await refused(race(2n, { winners: 0n }), 'E_INVALID_MSG', /1 to 16 winners/);
    await refused(race(2n, { winners: 17n }), 'E_INVALID_MSG', /1 to 16 winners/);
    await refused(race(2n, { lockBlocks: 12n }), 'E_INVALID_MSG', /commit window/);
    await refused(requestMsg(3n, { winners: 2n }), 'E_INVALID_MSG', /only a race/);
    await refused({ ...(race(4n) as unknown as Record<string, unknown>), inputs: [{ name: 'hash', values: ['1'] }, { name: 'preimage', values: ['4'] }, { name: 'prover', values: ['5'] }] } as unknown as AnyMsg, 'E_INVALID_MSG', /leaves "prover" to each racer/);
    // nobody entered: the requester may cancel; at the deadline an empty race expires with a refund
    const id = await mk.request(requester, race(5n));
    await mk.ok(requester, [m({ type: 'market/cancel', requestId: id })]);
    const empty = await mk.request(requester, race(6n));
    while ((await getRequest(t.chain.latestState, empty)).status === 'race') await t.produce();
    assert.equal((await getRequest(t.chain.latestState, empty)).status, 'expired');
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});
