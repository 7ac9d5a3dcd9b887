/**
 * Parsing of path and query parameters into typed values, with E_BAD_REQUEST and a message naming
 * the parameter on nonsense (docs/rpc.md §parameters).
 */
import { QuarryError } from '../../protocol/errors.ts';
import { fromHex } from '../../protocol/encoding/bytes.ts';

export function heightParam(text: string | undefined, what = 'height'): bigint {
  if (text === undefined || !/^[0-9]{1,19}$/.test(text)) throw new QuarryError('E_BAD_REQUEST', `${what} must be a non-negative integer`);
  return BigInt(text);
}

export function hashParam(text: string | undefined, what = 'hash'): Uint8Array {
  if (text === undefined || !/^[0-9a-fA-F]{64}$/.test(text)) throw new QuarryError('E_BAD_REQUEST', `${what} must be 64 hex characters`);
  return fromHex(text);
}

/** `true`/`1` or `false`/`0`; absent is false. */
export function flagParam(text: string | undefined, what: string): boolean {
  if (text === undefined || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw new QuarryError('E_BAD_REQUEST', `${what} must be true, false, 1 or 0`);
}

/** An integer in [1, max]; absent is `fallback`. */
export function countParam(text: string | undefined, what: string, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const n = /^[0-9]{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= max)) throw new QuarryError('E_BAD_REQUEST', `${what} must be an integer from 1 to ${max}`);
  return n;
}

/** One of a fixed set of words. */
export function oneOfParam<T extends string>(text: string | undefined, what: string, allowed: readonly T[]): T | undefined {
  if (text === undefined || (allowed as readonly string[]).includes(text)) return text as T | undefined;
  throw new QuarryError('E_BAD_REQUEST', `${what} must be one of ${allowed.join(', ')}`);
}

/**
 * Every route reads a query parameter as one string, so a key given twice (`?a=1&a=2`, which the
 * query parser turns into a list) is refused before any route sees it.
 */
export function rejectRepeatedQuery(query: unknown): void {
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(value)) throw new QuarryError('E_BAD_REQUEST', `query parameter "${key.slice(0, 64)}" is given more than once`);
  }
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
