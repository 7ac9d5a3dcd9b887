/**
 * Sealed private inputs (issue #12 item 3, docs/market.md §sealed): what goes on chain does not
 * contain the private values; only the prover's key opens it, for that request only; a wrong key,
 * a tampered ciphertext or inputs other than the committed ones are each a clear E_SEAL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encryptionKeypair, openSeal, sealedCommitment, sealInputs } from '../../protocol/seal.ts';
import { encode } from '../../protocol/encoding/cbor.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { utf8 } from '../../protocol/encoding/bytes.ts';

const contains = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;
const sealError = (why: RegExp) => (e: unknown) => e instanceof QuarryError && e.code === 'E_SEAL' && why.test(e.message);

test('a seal opens only with the prover\'s key, for its request, to the committed inputs; its bytes do not hold the private values', () => {
  const prover = encryptionKeypair();
  const requestId = randomBytes(32);
  const secret = '73216387210004563219876543210987654321';
  const inputs = [{ name: 'preimage', values: [secret] }];
  const salt = randomBytes(32);
  const commitment = sealedCommitment(inputs, salt);
  const seal = sealInputs(prover.publicKey, requestId, inputs, salt);
  assert.deepEqual(openSeal(prover.secretKey, requestId, seal, commitment), inputs);
  const onChain = encode(seal);
  assert.ok(!contains(onChain, utf8(secret)) && !contains(onChain, encode(inputs)) && !contains(onChain, salt), 'neither the values nor their encoding nor the salt appear');
  assert.notDeepEqual(sealInputs(prover.publicKey, requestId, inputs, salt).ciphertext, seal.ciphertext, 'a fresh ephemeral key and nonce each time');
  assert.throws(() => openSeal(encryptionKeypair().secretKey, requestId, seal, commitment), sealError(/wrong key, or the ciphertext was altered/));
  const tampered = { ...seal, ciphertext: Uint8Array.from(seal.ciphertext, (b, i) => (i === 3 ? b ^ 1 : b)) };
  assert.throws(() => openSeal(prover.secretKey, requestId, tampered, commitment), sealError(/altered/));
  assert.throws(() => openSeal(prover.secretKey, randomBytes(32), seal, commitment), sealError(/altered/), 'bound to its request');
  const other = sealInputs(prover.publicKey, requestId, [{ name: 'preimage', values: ['5'] }], salt);
  assert.throws(() => openSeal(prover.secretKey, requestId, other, commitment), sealError(/not the ones the request committed to/));
});
