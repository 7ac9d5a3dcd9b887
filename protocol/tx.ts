/**
 * Transactions: `{chainId, signer, sequence, fee, expiresAtHeight, msgs}` signed with the
 * signer's ed25519 key over "quarry/tx/v1"-tagged canonical CBOR of the body (docs/encoding.md).
 * The transaction hash is SHA-256 of the whole signed encoding. The signature has a fixed size,
 * so a transaction's size (and so its fee) is known before it is signed: an offline or hardware
 * signer is asked to sign once.
 */
import { array, bytes, struct, text, u64, type Infer } from './encoding/schema.ts';
import { decodeAs, encode } from './encoding/cbor.ts';
import { concatBytes } from './encoding/bytes.ts';
import { sha256, tagPrefix } from './crypto/hash.ts';
import { SIGNATURE_BYTES } from './crypto/ed25519.ts';
import { msgSchema, msgWeight, type AnyMsg } from './messages/index.ts';

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

export const signedTxSchema = struct({ body: txBodySchema, signature: bytes({ len: SIGNATURE_BYTES }) });
export type SignedTx = Infer<typeof signedTxSchema>;

/** The bytes a signer signs. */
export function txSignBytes(body: TxBody): Uint8Array {
  return concatBytes(tagPrefix('quarry/tx/v1'), encode(body));
}

export function encodeSignedTx(body: TxBody, signature: Uint8Array): Uint8Array {
  return encode({ body, signature } satisfies SignedTx);
}

/** Strict decoding only (the signature is not checked here: the node does, with its fast verifier). */
export function decodeSignedTx(bytes: Uint8Array, maxBytes = TX_DECODE_CAP): SignedTx {
  return decodeAs(signedTxSchema, bytes, maxBytes);
}

export function txHash(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}

/** Weight of a transaction for fees: its byte size plus each message's weight (docs/fees.md). */
export function txWeight(size: number, msgs: readonly AnyMsg[]): bigint {
  let w = BigInt(size);
  for (const m of msgs) w += msgWeight(m);
  return w;
}

const SIGNATURE_PLACEHOLDER = new Uint8Array(SIGNATURE_BYTES);

/** Size of the signed encoding, known before signing (signatures have a fixed size). */
export function signedSize(body: TxBody): number {
  return encodeSignedTx(body, SIGNATURE_PLACEHOLDER).length;
}

/**
 * The smallest fee covering `minFeeRate` × weight. The fee's own encoding is part of the size, so
 * this iterates until the fee stops growing (at most a few steps: CBOR integers widen rarely).
 */
export function minimumFee(body: Omit<TxBody, 'fee'>, minFeeRate: bigint): bigint {
  let fee = 0n;
  for (let i = 0; i < 8; i++) {
    const needed = minFeeRate * txWeight(signedSize({ ...body, fee }), body.msgs);
    if (needed <= fee) return fee;
    fee = needed;
  }
  throw new Error('fee estimation did not converge');
}
