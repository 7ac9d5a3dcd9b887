/**
 * Deterministic CBOR (RFC 8949 core deterministic encoding) with strict decoding.
 * Spec: docs/encoding.md. A decoded value must re-encode to exactly the input bytes, so every
 * value has one encoding and hashes of encodings are well defined.
 */
import { decode as cborDecode, encode as cborEncode, rfc8949EncodeOptions } from 'cborg';
import { equalBytes } from './bytes.ts';
import { QuarryError } from '../errors.ts';
import type { Schema } from './schema.ts';

const strictDecodeOptions = {
  strict: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
  allowBigInt: true,
  useMaps: false,
} as const;

/** Default cap for any single decoded object (1 MiB); callers pass tighter caps where known. */
export const DEFAULT_MAX_BYTES = 1 << 20;

export function encode(value: unknown): Uint8Array {
  return cborEncode(value, rfc8949EncodeOptions);
}

/** Strictly decodes untrusted bytes: size cap first, then syntax, then canonical re-encoding. */
export function decodeStrict(bytes: Uint8Array, maxBytes = DEFAULT_MAX_BYTES): unknown {
  if (!(bytes instanceof Uint8Array)) throw new QuarryError('E_DECODE', 'input is not a byte array');
  if (bytes.length > maxBytes) throw new QuarryError('E_TOO_LARGE', `input of ${bytes.length} bytes exceeds the cap of ${maxBytes}`);
  let value: unknown;
  try {
    value = cborDecode(bytes, strictDecodeOptions);
  } catch (err) {
    throw new QuarryError('E_DECODE', `malformed CBOR: ${(err as Error).message}`);
  }
  let again: Uint8Array;
  try {
    again = encode(value);
  } catch (err) {
    throw new QuarryError('E_DECODE', `value cannot be re-encoded: ${(err as Error).message}`);
  }
  if (!equalBytes(again, bytes)) throw new QuarryError('E_DECODE', 'non-canonical CBOR encoding');
  return value;
}

/**
 * Decodes bytes this node encoded and stored itself: the same strict syntax, without the
 * canonical round trip (a block's receipts run to megabytes, and re-encoding them doubled the cost
 * of every lookup). Never for bytes from peers or clients.
 */
export function decodeStored(bytes: Uint8Array): unknown {
  try {
    return cborDecode(bytes, strictDecodeOptions);
  } catch (err) {
    throw new QuarryError('E_STORE', `stored record is not valid CBOR: ${(err as Error).message}`);
  }
}

/** Decodes untrusted bytes into a typed value: strict CBOR, then the schema (exact fields). */
export function decodeAs<T>(schema: Schema<T>, bytes: Uint8Array, maxBytes = DEFAULT_MAX_BYTES): T {
  return schema.parse(decodeStrict(bytes, maxBytes), '$');
}
