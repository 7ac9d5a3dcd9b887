/**
 * SHA-256 for the node (node:crypto: about 10x faster than a JS implementation here).
 * Domain separation: `taggedHash(tag, data)` = SHA-256(u8(len(tag)) ‖ tag ‖ data), so a hash made
 * for one purpose can never be replayed as another (docs/encoding.md).
 */
import { hash } from 'node:crypto';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const out = hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength); // plain bytes, not a Buffer
}

const tagCache = new Map<string, Uint8Array>();

export function tagPrefix(tag: string): Uint8Array {
  let prefix = tagCache.get(tag);
  if (!prefix) {
    const t = new TextEncoder().encode(tag);
    if (t.length > 255) throw new Error('tag too long');
    prefix = new Uint8Array([t.length, ...t]);
    tagCache.set(tag, prefix);
  }
  return prefix;
}

export function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  return sha256(tagPrefix(tag), ...parts);
}

export const ZERO_HASH = new Uint8Array(32);
