/**
 * Sealed private inputs on a chain (issue #12 item 3, docs/market.md §sealed), with real X25519
 * seals and a real Groth16 proof: only provers with a published key take a sealed request; the
 * turnaround starts at the seal; the prover opens it and proves; a requester who never seals pays
 * the prover the cancellation share and the prover is not slashed.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { poseidon1 } from 'poseidon-lite';
import { openTestChain } from '../helpers/chain.ts';
import { assertMarketBalanced, MarketDriver, PREIMAGE_ID, preimageFill, requestMsg } from '../helpers/market.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import { getProver, getRequest, seals } from '../../node/modules/market/state.ts';
import { encryptionKeypair, openSeal, sealedCommitment, sealInputs } from '../../protocol/seal.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';

const QRY = 1_000_000n;
const m = (x: Record<string, unknown>) => x as unknown as AnyMsg;
const addr = (k: { address: string }) => decodeAddress(k.address);

test('sealed inputs: keyed provers only, the clock starts at the seal, the prover opens it and proves; no seal, no slash and a cancellation share', async () => {
  const t = await openTestChain({ users: 4 });
  const mk = new MarketDriver(t);
  const [requester, keyless, keyed] = t.users as [AccountKey, AccountKey, AccountKey];
  const ask = (price: bigint) => m({ type: 'market/ask', circuitId: PREIMAGE_ID, price, maxTurnaround: 6n, capacity: 2n });
  const keys = encryptionKeypair();
  try {
    // the cheaper ask has no key: a sealed request goes to the keyed prover all the same
    await mk.ok(keyless, [m({ type: 'market/bond', amount: 10n * QRY }), ask(QRY)]);
    await mk.ok(keyed, [m({ type: 'market/bond', amount: 10n * QRY }), m({ type: 'market/prover-key', encryptionKey: keys.publicKey }), ask(2n * QRY)]);
    const x = 811n;
    const secret = [{ name: 'preimage', values: [x.toString()] }];
    const salt = randomBytes(32);
    const sealedReq = (o: { x: bigint; commitment: Uint8Array }) => ({ ...(requestMsg(o.x, { minPrice: 2n * QRY, maxPrice: 3n * QRY, collateral: QRY, deadlineBlocks: 40n, sealed: o.commitment }) as unknown as Record<string, unknown>), inputs: [{ name: 'hash', values: [poseidon1([o.x]).toString()] }] }) as unknown as AnyMsg;
    const leaky = await mk.run(requester, [{ ...(sealedReq({ x, commitment: sealedCommitment(secret, salt) }) as unknown as Record<string, unknown>), inputs: [{ name: 'hash', values: [poseidon1([x]).toString()] }, ...secret] } as unknown as AnyMsg]);
    assert.equal(leaky.code, 'E_INVALID_MSG', 'a sealed request must not carry its private inputs in the clear');
    const id = await mk.request(requester, sealedReq({ x, commitment: sealedCommitment(secret, salt) }));
    let r = await getRequest(t.chain.latestState, id);
    assert.deepEqual(r.lock!.prover, addr(keyed), 'only a prover with a key can be sealed to');
    assert.equal(r.lock!.expiresAt, r.lock!.lockedAt + 5n, 'until sealed, the lock lasts the seal window');
    assert.equal((await mk.run(keyed, [m({ type: 'market/decline', requestId: id })])).code, 'E_INVALID_MSG', 'nothing to decline before the seal');
    const s = sealInputs(keys.publicKey, id, secret, salt);
    assert.equal((await mk.run(keyed, [m({ type: 'market/seal', requestId: id, ...s })])).code, 'E_INVALID_MSG', 'only the requester seals');
    await mk.ok(requester, [m({ type: 'market/seal', requestId: id, ...s })]);
    r = await getRequest(t.chain.latestState, id);
    assert.equal(r.lock!.sealedAt, t.chain.head.height);
    assert.equal(r.lock!.expiresAt, r.lock!.sealedAt + 5n, 'the turnaround (lockBlocks 5, within the ask\'s 6) runs from the seal');
    // the prover reads the seal from state (as over RPC), opens it with its key and proves
    const stored = (await seals.get(t.chain.latestState, id))!;
    const opened = openSeal(keys.secretKey, id, stored, r.sealed!);
    assert.deepEqual(opened, secret);
    await mk.ok(keyed, [m({ type: 'market/fulfill', requestId: id, ...(await preimageFill(BigInt(opened[0]!.values[0]!))) })]);
    assert.equal((await getRequest(t.chain.latestState, id)).status, 'fulfilled');
    // a requester that never seals: the prover is released, unslashed, and paid 10 % of the price
    const y = 812n;
    const idle = await mk.request(requester, sealedReq({ x: y, commitment: sealedCommitment([{ name: 'preimage', values: [y.toString()] }], salt) }));
    const [p0, r0] = [await getAccount(t.chain.latestState, addr(keyed)), await getAccount(t.chain.latestState, addr(requester))];
    while ((await getRequest(t.chain.latestState, idle)).status === 'locked') await t.produce();
    assert.equal((await getRequest(t.chain.latestState, idle)).status, 'cancelled');
    assert.equal((await getAccount(t.chain.latestState, addr(keyed))).balance - p0.balance, 200_000n, 'the cancellation share: 10 % of the 2 QRY lock price');
    assert.equal((await getAccount(t.chain.latestState, addr(requester))).balance - r0.balance, 3n * QRY - 200_000n, 'the rest of the 3 QRY escrow back');
    const after = await getProver(t.chain.latestState, addr(keyed));
    assert.deepEqual([after.slashed, after.locked], [0n, 0n]);
    await assertMarketBalanced(t);
  } finally {
    await t.close();
  }
});
