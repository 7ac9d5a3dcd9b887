/**
 * Account keys: ed25519 (RFC 8032) with @noble/curves, usable in browsers. The node verifies with
 * node:crypto on its hot path (node/crypto/ed25519.ts, same algorithm, canonical S enforced by both).
 */
import { ed25519 } from '@noble/curves/ed25519.js';

export const PUBKEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

export interface Ed25519KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export function generateKeyPair(seed?: Uint8Array): Ed25519KeyPair {
  const secretKey = seed ?? ed25519.utils.randomSecretKey();
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}
