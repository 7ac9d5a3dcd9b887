/**
 * Sealed private inputs (docs/market.md §sealed): what a requester encrypts to the prover its
 * request was locked to, and what that prover opens. X25519 with a fresh ephemeral key per seal,
 * the key derived by a tagged SHA-256 of the shared secret and both public keys, then
 * XChaCha20-Poly1305 with the request id as associated data (a seal cannot be moved to another
 * request). The plaintext is the canonical CBOR of {inputs, salt}; the request carries
 * `H("quarry/market/sealed", CBOR(inputs) ‖ salt)`, which the prover checks before proving.
 * Browser-safe: @noble libraries only.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { decodeAs, encode } from './encoding/cbor.ts';
import { bytes, struct } from './encoding/schema.ts';
import { equalBytes } from './encoding/bytes.ts';
import { taggedHash } from './crypto/hash.ts';
import { QuarryError } from './errors.ts';
import { inputsSchema, type CircuitInputs } from './messages/market.ts';

export interface Seal {
  ephemeralKey: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

const plaintextSchema = struct({ inputs: inputsSchema, salt: bytes({ len: 32 }) });

export function encryptionKeypair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = x25519.utils.randomSecretKey();
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

/**
 * The X25519 secret `quarry node mine` seals are opened with, derived from the prover's account
 * secret key (one key to back up; a new account key means a new encryption key to publish).
 */
export function derivedEncryptionSecret(accountSecretKey: Uint8Array): Uint8Array {
  return taggedHash('quarry/market/encryption-secret', accountSecretKey);
}

export function encryptionPublicKey(secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey);
}

/** What a sealed request commits to: its private inputs (canonical order) and a salt. */
export function sealedCommitment(inputs: CircuitInputs, salt: Uint8Array): Uint8Array {
  return taggedHash('quarry/market/sealed', encode(inputs), salt);
}

function sealKey(shared: Uint8Array, ephemeralKey: Uint8Array, proverKey: Uint8Array): Uint8Array {
  return taggedHash('quarry/market/seal-key', shared, ephemeralKey, proverKey);
}

/** Encrypts private inputs (and the commitment's salt) to a prover's X25519 key for one request. */
export function sealInputs(proverKey: Uint8Array, requestId: Uint8Array, inputs: CircuitInputs, salt: Uint8Array): Seal {
  const ephemeral = encryptionKeypair();
  const key = sealKey(x25519.getSharedSecret(ephemeral.secretKey, proverKey), ephemeral.publicKey, proverKey);
  const nonce = randomBytes(24);
  const ciphertext = xchacha20poly1305(key, nonce, requestId).encrypt(encode({ inputs, salt }));
  return { ephemeralKey: ephemeral.publicKey, nonce, ciphertext };
}

/**
 * Opens a seal with the prover's secret key and checks it against the request's commitment.
 * E_SEAL names what failed: the wrong key or a tampered ciphertext, a plaintext that is not
 * inputs and salt, or inputs that are not the ones the request committed to.
 */
export function openSeal(secretKey: Uint8Array, requestId: Uint8Array, seal: Seal, commitment: Uint8Array): CircuitInputs {
  let plain: Uint8Array;
  try {
    const key = sealKey(x25519.getSharedSecret(secretKey, seal.ephemeralKey), seal.ephemeralKey, encryptionPublicKey(secretKey));
    plain = xchacha20poly1305(key, seal.nonce, requestId).decrypt(seal.ciphertext);
  } catch {
    throw new QuarryError('E_SEAL', 'the seal does not open with this key (wrong key, or the ciphertext was altered)');
  }
  let opened: { inputs: CircuitInputs; salt: Uint8Array };
  try {
    opened = decodeAs(plaintextSchema, plain);
  } catch {
    throw new QuarryError('E_SEAL', 'the seal opened but does not hold inputs and a salt');
  }
  if (!equalBytes(sealedCommitment(opened.inputs, opened.salt), commitment)) throw new QuarryError('E_SEAL', 'the sealed inputs are not the ones the request committed to');
  return opened.inputs;
}
