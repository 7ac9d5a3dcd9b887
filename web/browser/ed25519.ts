/**
 * node/crypto/ed25519.ts for the browser: the same strict RFC 8032 verification (canonical S,
 * no ZIP-215 leniency, like OpenSSL's) through @noble/curves. Substituted by scripts/build-web.mjs.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { PUBKEY_BYTES, SIGNATURE_BYTES } from '../../protocol/crypto/ed25519.ts';

/** Verifies a signature; false (never a throw) for malformed keys or signatures. */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBKEY_BYTES) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
