/** Parsing of path and query parameters into typed values, with E_BAD_REQUEST on nonsense. */
import { QuarryError } from '../errors.ts';
import { fromHex } from '../encoding/bytes.ts';

export function heightParam(text: string | undefined, what = 'height'): bigint {
  if (text === undefined || !/^[0-9]{1,19}$/.test(text)) throw new QuarryError('E_BAD_REQUEST', `${what} must be a non-negative integer`);
  return BigInt(text);
}

export function hashParam(text: string | undefined): Uint8Array {
  if (text === undefined || !/^[0-9a-fA-F]{64}$/.test(text)) throw new QuarryError('E_BAD_REQUEST', 'hash must be 64 hex characters');
  return fromHex(text);
}

export function flagParam(text: string | undefined): boolean {
  return text === 'true' || text === '1';
}

/** Raw bytes of a POST body: `{"<field>": "<hex>"}` as JSON, or application/octet-stream. */
export function bodyBytes(body: unknown, field: string): Uint8Array {
  if (Buffer.isBuffer(body)) return new Uint8Array(body);
  const hex = (body as Record<string, unknown> | null)?.[field];
  if (typeof hex !== 'string') throw new QuarryError('E_BAD_REQUEST', `body must be {"${field}": "<hex>"} or application/octet-stream`);
  try {
    return fromHex(hex);
  } catch {
    throw new QuarryError('E_DECODE', `${field} is not valid hex`);
  }
}
