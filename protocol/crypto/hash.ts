/**
 * SHA-256 for the protocol layer (@noble/hashes, so it runs in browsers; the node uses
 * node:crypto's faster one in node/crypto/hash.ts, same function). Domain separation:
 * `taggedHash(tag, data)` = SHA-256(u8(len(tag)) ‖ tag ‖ data), so a hash made for one purpose can
 * never be replayed as another (docs/encoding.md).
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = nobleSha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
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
