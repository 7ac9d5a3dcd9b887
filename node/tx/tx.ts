/**
 * Transactions: `{chainId, signer, sequence, fee, expiresAtHeight, msgs}` signed with the
 * signer's ed25519 key over "quarry/tx/v1"-tagged canonical CBOR of the body (docs/encoding.md).
 * The transaction hash is SHA-256 of the whole signed encoding.
 */
import { array, bytes, struct, text, u64, type Infer } from '../encoding/schema.ts';
import { decodeAs, encode } from '../encoding/cbor.ts';
import { concatBytes } from '../encoding/bytes.ts';
import { sha256, tagPrefix } from '../crypto/hash.ts';
import { sign, verify } from '../crypto/ed25519.ts';
import { addressFromPubKey } from '../crypto/address.ts';
import { msgSchema } from '../modules/registry.ts';
import type { Msg } from '../modules/types.ts';
import { QuarryError } from '../errors.ts';

export const MAX_MSGS = 32;
export const CHAIN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,48}$/;
/** Hard decode cap; the chain parameter `maxTxBytes` may set a lower limit. */
export const TX_DECODE_CAP = 256 * 1024;

export const txBodySchema = struct({
  chainId: text(49, CHAIN_ID_PATTERN),
  signer: bytes({ len: 32 }),
  sequence: u64,
  fee: u64,
  expiresAtHeight: u64,
  msgs: array(msgSchema, MAX_MSGS, 1),
});
export type TxBody = Infer<typeof txBodySchema>;

export const signedTxSchema = struct({ body: txBodySchema, signature: bytes({ len: 64 }) });
export type SignedTx = Infer<typeof signedTxSchema>;

/** A decoded transaction together with its canonical bytes and derived fields. */
export interface Tx {
  tx: SignedTx;
  bytes: Uint8Array;
  hash: Uint8Array;
  sender: Uint8Array;
}

export function txSignBytes(body: TxBody): Uint8Array {
  return concatBytes(tagPrefix('quarry/tx/v1'), encode(body));
}

export function signTx(body: TxBody, secretKey: Uint8Array): Uint8Array {
  return encode({ body, signature: sign(txSignBytes(body), secretKey) } satisfies SignedTx);
}

export function txHash(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}

/** Decodes (strictly) and checks the signature; throws E_DECODE / E_BAD_SIGNATURE / E_TOO_LARGE. */
export function decodeTx(bytes: Uint8Array, maxBytes = TX_DECODE_CAP): Tx {
  const tx = decodeAs(signedTxSchema, bytes, maxBytes);
  if (!verify(tx.signature, txSignBytes(tx.body), tx.body.signer)) {
    throw new QuarryError('E_BAD_SIGNATURE', 'transaction signature does not verify');
  }
  return { tx, bytes, hash: txHash(bytes), sender: addressFromPubKey(tx.body.signer) };
}

export function txMsgs(tx: Tx): Msg[] {
  return tx.tx.body.msgs;
}
