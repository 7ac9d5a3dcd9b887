/**
 * The node's view of a transaction (protocol/tx.ts defines the format): decoded, its signature
 * checked with node:crypto (the hot path of admission and block verification), with its hash and
 * sender derived once.
 */
import { sign } from '../../protocol/crypto/ed25519.ts';
import { addressFromPubKey } from '../../protocol/crypto/address.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { decodeSignedTx, encodeSignedTx, TX_DECODE_CAP, txSignBytes, type SignedTx, type TxBody } from '../../protocol/tx.ts';
import { verify } from '../crypto/ed25519.ts';
import { sha256 } from '../crypto/hash.ts';

/** A decoded transaction together with its canonical bytes and derived fields. */
export interface Tx {
  tx: SignedTx;
  bytes: Uint8Array;
  hash: Uint8Array;
  sender: Uint8Array;
}

export function signTx(body: TxBody, secretKey: Uint8Array): Uint8Array {
  return encodeSignedTx(body, sign(txSignBytes(body), secretKey));
}

/** Decodes (strictly) and checks the signature; throws E_DECODE / E_BAD_SIGNATURE / E_TOO_LARGE. */
export function decodeTx(bytes: Uint8Array, maxBytes = TX_DECODE_CAP): Tx {
  return checkTxSignature(decodeTxUnverified(bytes, maxBytes));
}

/**
 * Decodes (strictly) without the signature check, for refusals that cost less than the check
 * (a duplicate, a full pool): nothing may be admitted or executed before `checkTxSignature`.
 */
export function decodeTxUnverified(bytes: Uint8Array, maxBytes = TX_DECODE_CAP): Tx {
  const tx = decodeSignedTx(bytes, maxBytes);
  return { tx, bytes, hash: sha256(bytes), sender: addressFromPubKey(tx.body.signer) };
}

/** Whether a decoded transaction's signature verifies under its signer's key. */
export function txSignatureValid({ body, signature }: SignedTx): boolean {
  return verify(signature, txSignBytes(body), body.signer);
}

/** The transaction itself when its signature verifies; E_BAD_SIGNATURE otherwise. */
export function checkTxSignature(tx: Tx): Tx {
  if (!txSignatureValid(tx.tx)) {
    throw new QuarryError('E_BAD_SIGNATURE', 'transaction signature does not verify');
  }
  return tx;
}
