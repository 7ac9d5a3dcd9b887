/**
 * Key files in the home directory, written with mode 0600 (and their directory 0700).
 * Account keys live in `<home>/keys/<name>.json`; the validator's consensus key in
 * `<home>/validator-key.json`.
 */
import { pallasIdentity } from './pallas.ts';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryError } from '../../protocol/errors.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { addressFromPubKey, encodeAddress } from '../../protocol/crypto/address.ts';
import { generateKeyPair, sign, type Ed25519KeyPair } from '../../protocol/crypto/ed25519.ts';
import { blsProofOfPossession, blsPublicKey } from './bls.ts';

/** An account key loaded from the home directory; it signs as an SDK `Signer` does. */
export interface AccountKey {
  name: string;
  address: string;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export interface ValidatorKey {
  blsSecretKey: Uint8Array;
  blsPublicKey: Uint8Array;
  proofOfPossession: Uint8Array;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Writes a secret file atomically (temp file then rename) with mode 0600. */
export function writeSecretFile(path: string, content: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function keysDir(home: string): string {
  const dir = join(home, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function accountKeyFromPair(name: string, pair: Ed25519KeyPair): AccountKey {
  const { publicKey, secretKey } = pair;
  return { name, address: encodeAddress(addressFromPubKey(publicKey)), publicKey, secretKey, sign: (message) => sign(message, secretKey) };
}

export function saveAccountKey(home: string, key: AccountKey, overwrite = false): void {
  if (!NAME.test(key.name)) throw new QuarryError('E_KEY', `key name "${key.name}" must match ${NAME}`);
  const path = join(keysDir(home), `${key.name}.json`);
  if (!overwrite && existsSync(path)) throw new QuarryError('E_KEY', `key "${key.name}" already exists at ${path}`);
  const body = { name: key.name, type: 'ed25519', address: key.address, publicKey: toHex(key.publicKey), secretKey: toHex(key.secretKey) };
  writeSecretFile(path, JSON.stringify(body, null, 2) + '\n');
}

export function loadAccountKey(home: string, name: string): AccountKey {
  const path = join(home, 'keys', `${name}.json`);
  if (!NAME.test(name) || !existsSync(path)) throw new QuarryError('E_KEY', `no key named "${name}" in ${join(home, 'keys')}`);
  const body = JSON.parse(readFileSync(path, 'utf8')) as { secretKey: string };
  return accountKeyFromPair(name, generateKeyPair(fromHex(body.secretKey)));
}

export function listAccountKeys(home: string): AccountKey[] {
  const dir = join(home, 'keys');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadAccountKey(home, f.slice(0, -5)));
}

export function validatorKeyFromSecret(blsSecretKey: Uint8Array): ValidatorKey {
  return { blsSecretKey, blsPublicKey: blsPublicKey(blsSecretKey), proofOfPossession: blsProofOfPossession(blsSecretKey) };
}

/** What registering a validator publishes: both public keys, each with its proof of possession. */
export interface ValidatorRegistration {
  blsPublicKey: Uint8Array;
  proofOfPossession: Uint8Array;
  pallasPubKey: Uint8Array;
  pallasProofOfPossession: Uint8Array;
}

/** The registration of `key` for `operator` (the Pallas proof of possession binds the operator). */
export async function validatorRegistration(key: ValidatorKey, operator: Uint8Array): Promise<ValidatorRegistration> {
  const pallas = await pallasIdentity(key.blsSecretKey, operator);
  return { blsPublicKey: key.blsPublicKey, proofOfPossession: key.proofOfPossession, pallasPubKey: pallas.publicKey, pallasProofOfPossession: pallas.proofOfPossession };
}

export function saveValidatorKey(home: string, key: ValidatorKey): void {
  const body = { blsSecretKey: toHex(key.blsSecretKey), blsPublicKey: toHex(key.blsPublicKey), proofOfPossession: toHex(key.proofOfPossession) };
  writeSecretFile(join(home, 'validator-key.json'), JSON.stringify(body, null, 2) + '\n');
}

export function loadValidatorKey(home: string): ValidatorKey | null {
  const path = join(home, 'validator-key.json');
  if (!existsSync(path)) return null;
  const body = JSON.parse(readFileSync(path, 'utf8')) as { blsSecretKey: string };
  return validatorKeyFromSecret(fromHex(body.blsSecretKey));
}
