/**
 * The explorer's browser versions of the node's crypto (web/browser/, substituted at bundle time by
 * scripts/build-web.mjs) must accept and refuse exactly what the node's do: a commit that blst
 * accepts and noble refuses would blank the explorer, and the reverse would show a forged header
 * as verified.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as node from '../../node/crypto/bls.ts';
import * as web from '../../web/browser/bls.ts';
import { verify as nodeEd25519 } from '../../node/crypto/ed25519.ts';
import { verify as webEd25519 } from '../../web/browser/ed25519.ts';
import { generateKeyPair, sign } from '../../protocol/crypto/ed25519.ts';
import { utf8 } from '../../protocol/encoding/bytes.ts';

const keys = [1, 2, 3].map((i) => node.blsKeyGen(new Uint8Array(32).fill(i)));
const message = utf8('quarry/precommit/v1 height 7');

test('BLS: both sides make the same signatures, and each verifies the other\'s', () => {
  const [k] = keys;
  const signature = node.blsSign(message, k!.secretKey);
  assert.deepEqual(web.blsSign(message, k!.secretKey), signature, 'deterministic signatures under the POP ciphersuite');
  assert.equal(web.blsVerify(signature, message, k!.publicKey), true);
  assert.equal(node.blsVerify(web.blsSign(message, k!.secretKey), message, k!.publicKey), true);
  assert.equal(web.blsVerifyProofOfPossession(k!.publicKey, node.blsProofOfPossession(k!.secretKey)), true);
});

test('BLS: an aggregate commit verifies on both sides, and every forgery fails on both', () => {
  const sigs = keys.map((k) => node.blsSign(message, k.secretKey));
  const aggregate = node.blsAggregate(sigs);
  assert.deepEqual(web.blsAggregate(sigs), aggregate);
  const cases: Array<[string, Uint8Array, Uint8Array, Uint8Array[], boolean]> = [
    ['all three signers', aggregate, message, keys.map((k) => k.publicKey), true],
    ['a signer missing from the keys', aggregate, message, keys.slice(0, 2).map((k) => k.publicKey), false],
    ['another message', aggregate, utf8('quarry/precommit/v1 height 8'), keys.map((k) => k.publicKey), false],
    ['a flipped signature bit', Uint8Array.from(aggregate, (x, i) => (i === 50 ? x ^ 1 : x)), message, keys.map((k) => k.publicKey), false],
    ['the point at infinity as signature', Uint8Array.from({ length: 96 }, (_, i) => (i === 0 ? 0xc0 : 0)), message, keys.map((k) => k.publicKey), false],
    ['a short signature', aggregate.subarray(0, 95), message, keys.map((k) => k.publicKey), false],
    ['no keys at all', aggregate, message, [], false],
  ];
  for (const [what, sig, msg, pks, expected] of cases) {
    const nodeKeys = pks.map((pk) => node.decodeBlsPublicKey(pk)!);
    const webKeys = pks.map((pk) => web.decodeBlsPublicKey(pk)!);
    assert.equal(node.blsVerifyAggregate(sig, msg, nodeKeys), expected, `node: ${what}`);
    assert.equal(web.blsVerifyAggregate(sig, msg, webKeys), expected, `browser: ${what}`);
  }
});

test('BLS: public keys that blst refuses (infinity, off the curve, wrong length) are refused in the browser too', () => {
  const infinity = Uint8Array.from({ length: 48 }, (_, i) => (i === 0 ? 0xc0 : 0));
  const offCurve = Uint8Array.from(keys[0]!.publicKey, (x, i) => (i === 47 ? x ^ 1 : x));
  for (const [what, bytes] of [['infinity', infinity], ['off the curve', offCurve], ['47 bytes', keys[0]!.publicKey.subarray(1)]] as const) {
    assert.equal(node.decodeBlsPublicKey(bytes), null, `node: ${what}`);
    assert.equal(web.decodeBlsPublicKey(bytes), null, `browser: ${what}`);
  }
});

test('ed25519: the same verdicts as node:crypto, non-canonical S refused by both', () => {
  const { secretKey, publicKey } = generateKeyPair(new Uint8Array(32).fill(4));
  const signature = sign(message, secretKey);
  // S + L: the same signature, malleated; RFC 8032 (and OpenSSL) refuse S ≥ L
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const s = BigInt('0x' + Buffer.from(signature.subarray(32)).reverse().toString('hex')) + L;
  const malleated = Uint8Array.from([...signature.subarray(0, 32), ...Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse()]);
  for (const [what, sig, expected] of [['valid', signature, true], ['S + L', malleated, false], ['flipped', Uint8Array.from(signature, (x, i) => (i === 3 ? x ^ 1 : x)), false]] as const) {
    assert.equal(nodeEd25519(sig, message, publicKey), expected, `node: ${what}`);
    assert.equal(webEd25519(sig, message, publicKey), expected, `browser: ${what}`);
  }
});
