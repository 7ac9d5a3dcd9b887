/**
 * SHA-256 for the node: node:crypto, about 10x faster than the JS implementation the protocol
 * layer uses for browsers (protocol/crypto/hash.ts, which also defines the tagging rule).
 */
import { hash } from 'node:crypto';
import { tagPrefix, ZERO_HASH } from '../../protocol/crypto/hash.ts';

export { tagPrefix, ZERO_HASH };

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const out = hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength); // plain bytes, not a Buffer
}

export function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  return sha256(tagPrefix(tag), ...parts);
}
