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
