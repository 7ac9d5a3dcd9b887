/**
 * BIP-39 mnemonics for account keys. The ed25519 key is derived with SLIP-0010 along the
 * all-hardened path m/44'/7717'/0'/0'/{index}' (7717 is Quarry's coin type; ed25519 in SLIP-0010
 * supports hardened steps only).
 */
import { generateMnemonic as gen, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { QuarryError } from '../errors.ts';
import { generateKeyPair, type Ed25519KeyPair } from './ed25519.ts';

export const COIN_TYPE = 7717;
const HARDENED = 0x80000000;

export function generateMnemonic(): string {
  return gen(wordlist, 256);
}

export function slip10Ed25519(seed: Uint8Array, path: number[]): Uint8Array {
  let I = hmac(sha512, new TextEncoder().encode('ed25519 seed'), seed);
  for (const index of path) {
    const data = new Uint8Array(37);
    data.set(I.slice(0, 32), 1);
    new DataView(data.buffer).setUint32(33, (index | HARDENED) >>> 0);
    I = hmac(sha512, I.slice(32), data);
  }
  return I.slice(0, 32);
}

export function keyPairFromMnemonic(mnemonic: string, index = 0): Ed25519KeyPair {
  const normalized = mnemonic.trim().split(/\s+/).join(' ');
  if (!validateMnemonic(normalized, wordlist)) throw new QuarryError('E_KEY', 'invalid BIP-39 mnemonic (wrong word or checksum)');
  const seed = mnemonicToSeedSync(normalized);
  return generateKeyPair(slip10Ed25519(seed, [44, COIN_TYPE, 0, 0, index]));
}
