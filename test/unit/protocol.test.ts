/**
 * The protocol layer (protocol/): its browser-safe SHA-256 and byte helpers agree with the node's
 * node:crypto and Buffer ones; messages written with text addresses and hex convert exactly, and
 * bad ones fail with a code naming the field; the fee computed before signing is the fee the node
 * charges for the signed bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../helpers/rng.ts';
import { sha256 as nobleSha256, taggedHash as nobleTagged } from '../../protocol/crypto/hash.ts';
import { sha256 as nodeSha256, taggedHash as nodeTagged } from '../../node/crypto/hash.ts';
import { compareBytes, equalBytes, fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { encodeAddress } from '../../protocol/crypto/address.ts';
import { msgFromInput, type MsgInput } from '../../protocol/messages/input.ts';
import { minimumFee, signedSize, txWeight, type TxBody } from '../../protocol/tx.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { decodeTx, signTx } from '../../node/tx/tx.ts';
import { minFee } from '../../node/exec/ante.ts';
import { DEFAULT_CHAIN_PARAMS } from '../../node/modules/chain-params.ts';
import { generateKeyPair } from '../../protocol/crypto/ed25519.ts';

test('protocol SHA-256 and byte helpers agree with the node implementations', () => {
  const rng = new Rng(7);
  for (let i = 0; i < 200; i++) {
    const a = rng.bytes(rng.int(300));
    const b = rng.bytes(rng.int(4) === 0 ? a.length : rng.int(40));
    assert.deepEqual(nobleSha256(a, b), nodeSha256(a, b));
    assert.deepEqual(nobleTagged('quarry/test', a), nodeTagged('quarry/test', a));
    assert.equal(compareBytes(a, b), Buffer.compare(a, b));
    assert.equal(equalBytes(a, Uint8Array.from(a)), true);
    assert.equal(toHex(a), Buffer.from(a).toString('hex'));
    assert.deepEqual(fromHex(toHex(a)), a);
  }
  assert.throws(() => fromHex('abc'), /invalid hex/);
});

test('messages as people write them: qry1 addresses and hex convert, bad fields name their path', () => {
  const to = new Uint8Array(20).fill(3);
  const requestId = new Uint8Array(32).fill(9);
  assert.deepEqual(msgFromInput({ type: 'bank/send', to: encodeAddress(to), amount: 5 }), { type: 'bank/send', to, amount: 5n });
  assert.deepEqual(msgFromInput({ type: 'bank/multi-send', outputs: [{ to: encodeAddress(to), amount: 1n }] }), { type: 'bank/multi-send', outputs: [{ to, amount: 1n }] });
  assert.deepEqual(msgFromInput({ type: 'market/lock', requestId: toHex(requestId) }), { type: 'market/lock', requestId });
  assert.deepEqual(msgFromInput({ type: 'market/lock', requestId }), { type: 'market/lock', requestId }, 'bytes pass through');
  const bad: Array<[unknown, string, RegExp]> = [
    [{ type: 'bank/send', to: 'cosmos1xyz', amount: 1n }, 'E_DECODE', /msg\.to: .*prefix "cosmos".*Quarry addresses start with qry1/],
    [{ type: 'bank/send', to: 'zz', amount: 1n }, 'E_DECODE', /msg\.to: .*Quarry addresses start with qry1/],
    [{ type: 'market/lock', requestId: 'qry1abc' }, 'E_DECODE', /msg\.requestId: expected hex bytes/],
    [{ type: 'bank/send', to: encodeAddress(to), amount: -1 }, 'E_DECODE', /msg\.amount/],
    [{ type: 'bank/send', to: encodeAddress(to), amount: 1n, memo: 'x' }, 'E_DECODE', /unknown field "memo"/],
    [{ type: 'bank/sned', to: encodeAddress(to), amount: 1n }, 'E_UNKNOWN_MSG', /bank\/sned/],
    [{ type: 'market/lock', requestId: toHex(requestId).slice(2) }, 'E_DECODE', /msg\.requestId: expected 32 bytes/],
    [JSON.parse(`{"type":"bank/send","to":"${encodeAddress(to)}","amount":1,"__proto__":{"x":1}}`), 'E_DECODE', /unknown field "__proto__"/],
  ];
  for (const [input, code, message] of bad) {
    assert.throws(() => msgFromInput(input as MsgInput), (e: unknown) => e instanceof QuarryError && e.code === code && message.test(e.message), JSON.stringify(input, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
  }
});

test('the fee computed before signing is the minimum the node charges for the signed transaction', () => {
  const key = generateKeyPair(new Uint8Array(32).fill(1));
  const params = { ...DEFAULT_CHAIN_PARAMS, minFeeRate: 3n };
  for (const outputs of [1, 7, 64]) {
    const msgs = [msgFromInput({ type: 'bank/multi-send', outputs: Array.from({ length: outputs }, () => ({ to: new Uint8Array(20).fill(2), amount: 10n ** 12n })) })];
    const unsigned = { chainId: 'quarry-test', signer: key.publicKey, sequence: 70_000n, expiresAtHeight: 0n, msgs };
    const fee = minimumFee(unsigned, params.minFeeRate);
    const body: TxBody = { ...unsigned, fee };
    const tx = decodeTx(signTx(body, key.secretKey));
    assert.equal(signedSize(body), tx.bytes.length, 'size is known before signing');
    assert.equal(minFee(tx, params), fee, 'exactly the node minimum');
    assert.equal(fee, params.minFeeRate * txWeight(tx.bytes.length, msgs));
  }
});
