/** Account addresses: bech32m `qry1…` of the first 20 bytes of SHA-256(ed25519 public key). */
import { bech32m } from '@scure/base';
import { sha256 } from './hash.ts';
import { QuarryError } from '../errors.ts';

export const ADDRESS_PREFIX = 'qry';
export const ADDRESS_BYTES = 20;

export function addressFromPubKey(pubKey: Uint8Array): Uint8Array {
  return sha256(pubKey).slice(0, ADDRESS_BYTES);
}

export function encodeAddress(addr: Uint8Array): string {
  if (addr.length !== ADDRESS_BYTES) throw new QuarryError('E_DECODE', `address must be ${ADDRESS_BYTES} bytes`);
  return bech32m.encode(ADDRESS_PREFIX, bech32m.toWords(addr));
}

export function decodeAddress(text: string): Uint8Array {
  // checked first: an address of another chain also fails bech32m, which would hide the real mistake
  if (!text.toLowerCase().startsWith(`${ADDRESS_PREFIX}1`)) {
    const sep = text.lastIndexOf('1');
    const what = sep > 0 ? `has the prefix "${text.slice(0, sep).slice(0, 20)}"` : 'has no prefix';
    throw new QuarryError('E_DECODE', `address "${text.slice(0, 64)}" ${what}: Quarry addresses start with ${ADDRESS_PREFIX}1`);
  }
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32m.decode(text as `${string}1${string}`, 90);
  } catch (err) {
    throw new QuarryError('E_DECODE', `invalid address "${text.slice(0, 64)}": ${(err as Error).message}`);
  }
  if (decoded.prefix !== ADDRESS_PREFIX) throw new QuarryError('E_DECODE', `address prefix must be "${ADDRESS_PREFIX}", got "${decoded.prefix}"`);
  const bytes = bech32m.fromWords(decoded.words);
  if (bytes.length !== ADDRESS_BYTES) throw new QuarryError('E_DECODE', `address must hold ${ADDRESS_BYTES} bytes`);
  return bytes;
}

export function isAddress(text: string): boolean {
  try {
    decodeAddress(text);
    return true;
  } catch {
    return false;
  }
}
