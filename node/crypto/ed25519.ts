/**
 * Ed25519 verification on the node's hot path: node:crypto (OpenSSL), about 13x faster here than
 * @noble/curves, with the same algorithm and encodings. Keys and signing: protocol/crypto/ed25519.ts.
 */
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { PUBKEY_BYTES, SIGNATURE_BYTES } from '../../protocol/crypto/ed25519.ts';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keyObjects = new Map<string, KeyObject>();

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString('hex');
  let key = keyObjects.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (keyObjects.size > 10_000) keyObjects.clear();
    keyObjects.set(id, key);
  }
  return key;
}

/** Verifies a signature; false (never a throw) for malformed keys or signatures. */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBKEY_BYTES) return false;
  try {
    return nodeVerify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}
