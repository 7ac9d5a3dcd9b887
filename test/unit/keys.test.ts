import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { generateKeyPair, sign } from '../../protocol/crypto/ed25519.ts';
import { verify } from '../../node/crypto/ed25519.ts';
import { addressFromPubKey, decodeAddress, encodeAddress, isAddress } from '../../protocol/crypto/address.ts';
import { keyPairFromMnemonic, slip10Ed25519 } from '../../protocol/crypto/mnemonic.ts';
import { accountKeyFromPair, listAccountKeys, loadAccountKey, loadValidatorKey, saveAccountKey, saveValidatorKey, validatorKeyFromSecret } from '../../node/crypto/keyfile.ts';
import { blsKeyGen, blsVerifyProofOfPossession, blsProofOfPossession } from '../../node/crypto/bls.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { tempDir } from '../helpers/tmp.ts';

test('ed25519: node:crypto verification agrees with noble, rejects tampering', () => {
  const { secretKey, publicKey } = generateKeyPair();
  const msg = new TextEncoder().encode('hello quarry');
  const sig = sign(msg, secretKey);
  assert.equal(verify(sig, msg, publicKey), true);
  assert.equal(ed25519.verify(sig, msg, publicKey), true);
  const bad = Uint8Array.from(sig);
  bad[10] = bad[10]! ^ 1;
  assert.equal(verify(bad, msg, publicKey), false);
  assert.equal(verify(sig, new TextEncoder().encode('hello quarrz'), publicKey), false);
  assert.equal(verify(sig.slice(0, 63), msg, publicKey), false);
  assert.equal(verify(sig, msg, new Uint8Array(32)), false);
});

test('ed25519: a signature with S + L (malleated) is rejected', () => {
  const { secretKey, publicKey } = generateKeyPair();
  const msg = new Uint8Array([1, 2, 3]);
  const sig = sign(msg, secretKey);
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
  const s2 = s + L;
  const mal = Uint8Array.from(sig);
  for (let i = 0; i < 32; i++) mal[32 + i] = Number((s2 >> BigInt(8 * i)) & 0xffn);
  assert.equal(verify(mal, msg, publicKey), false);
});

test('addresses: bech32m qry1…, 20 bytes, checksum and prefix enforced', () => {
  const { publicKey } = generateKeyPair();
  const addr = addressFromPubKey(publicKey);
  const text = encodeAddress(addr);
  assert.match(text, /^qry1[02-9ac-hj-np-z]{38}$/);
  assert.deepEqual(decodeAddress(text), addr);
  const flipped = text.slice(0, -1) + (text.endsWith('q') ? 'p' : 'q');
  for (const bad of [flipped, text.replace('qry1', 'btc1'), 'qry1', '', 'qry1' + 'q'.repeat(60)]) {
    assert.equal(isAddress(bad), false, bad);
    assert.throws(() => decodeAddress(bad), (e: unknown) => e instanceof QuarryError && e.code === 'E_DECODE');
  }
});

test('SLIP-0010 ed25519 test vector 1', () => {
  const seed = fromHex('000102030405060708090a0b0c0d0e0f');
  assert.equal(toHex(slip10Ed25519(seed, [])), '2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7');
  assert.equal(toHex(slip10Ed25519(seed, [0])), '68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3');
  assert.equal(toHex(slip10Ed25519(seed, [0, 1, 2, 2, 1000000000])), '8f94d394a8e8fd6b1bc2f3f49f5c47e385281d5c17e65324b0f62483e37e8793');
});

test('mnemonics: deterministic keys, bad words or checksum refused', () => {
  const words = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
  const a = keyPairFromMnemonic(words);
  const b = keyPairFromMnemonic(`  ${words.replace(/ /g, '   ')} `);
  assert.deepEqual(a.publicKey, b.publicKey);
  assert.notDeepEqual(keyPairFromMnemonic(words, 1).publicKey, a.publicKey);
  assert.throws(() => keyPairFromMnemonic(words.replace('about', 'abandon')), /checksum/);
  assert.throws(() => keyPairFromMnemonic('not a mnemonic at all'), /invalid BIP-39/);
});

test('key files are 0600 in a 0700 directory and load back', () => {
  const dir = tempDir();
  try {
    const key = accountKeyFromPair('alice', generateKeyPair());
    saveAccountKey(dir.path, key);
    assert.equal(statSync(join(dir.path, 'keys', 'alice.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir.path, 'keys')).mode & 0o777, 0o700);
    assert.equal(loadAccountKey(dir.path, 'alice').address, key.address);
    assert.deepEqual(listAccountKeys(dir.path).map((k) => k.name), ['alice']);
    assert.throws(() => saveAccountKey(dir.path, key), /already exists/);
    assert.throws(() => saveAccountKey(dir.path, { ...key, name: '../evil' }), /must match/);
    assert.throws(() => loadAccountKey(dir.path, 'bob'), /no key named/);
    const vk = validatorKeyFromSecret(blsKeyGen().secretKey);
    saveValidatorKey(dir.path, vk);
    assert.equal(statSync(join(dir.path, 'validator-key.json')).mode & 0o777, 0o600);
    assert.deepEqual(loadValidatorKey(dir.path)?.blsPublicKey, vk.blsPublicKey);
  } finally {
    dir.cleanup();
  }
});

test('BLS proof of possession binds the key', () => {
  const a = blsKeyGen();
  const b = blsKeyGen();
  assert.equal(blsVerifyProofOfPossession(a.publicKey, blsProofOfPossession(a.secretKey)), true);
  assert.equal(blsVerifyProofOfPossession(a.publicKey, blsProofOfPossession(b.secretKey)), false);
  assert.equal(blsVerifyProofOfPossession(new Uint8Array(48), blsProofOfPossession(a.secretKey)), false);
});
