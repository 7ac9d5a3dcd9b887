/**
 * Messages as people write them (the SDK surface): byte fields as hex strings, 20-byte address
 * fields as `qry1…` strings (u64 fields take safe-integer numbers as well as bigints). `msgFromInput` converts by walking
 * the message's schema, then parses it strictly, so a bad field is one E_DECODE naming its path.
 */
import type { Schema } from '../encoding/schema.ts';
import { fromHex } from '../encoding/bytes.ts';
import { ADDRESS_BYTES, decodeAddress } from '../crypto/address.ts';
import { QuarryError } from '../errors.ts';
import { msgSchema, type AnyMsg } from './index.ts';

/** A value with its byte strings also accepted as text and its bigints also as numbers. */
export type Loose<T> = T extends Uint8Array
  ? Uint8Array | string
  : T extends bigint
    ? bigint | number
    : T extends readonly (infer U)[]
      ? Loose<U>[]
      : T extends object
        ? { [K in keyof T]: Loose<T[K]> }
        : T;

/** Any message, with addresses as `qry1…` text and other bytes as hex (a union keyed by `type`). */
export type MsgInput = Loose<AnyMsg>;

function bytesFrom(text: string, len: number | undefined, path: string): Uint8Array {
  const hex = /^(0x)?([0-9a-fA-F]{2})*$/.test(text);
  if (len === ADDRESS_BYTES && !hex) {
    try {
      return decodeAddress(text);
    } catch (err) {
      throw new QuarryError('E_DECODE', `${path}: ${(err as Error).message}`);
    }
  }
  if (!hex) throw new QuarryError('E_DECODE', `${path}: expected hex bytes`);
  return fromHex(text);
}

function normalize(schema: Schema<unknown>, value: unknown, path: string): unknown {
  const shape = schema.shape;
  if (!shape) return value;
  switch (shape.kind) {
    case 'bytes':
      return typeof value === 'string' ? bytesFrom(value, shape.len, path) : value;
    case 'nullable':
      return value === null ? null : normalize(shape.inner, value, path);
    case 'array':
      return Array.isArray(value) ? value.map((v, i) => normalize(shape.item, v, `${path}[${i}]`)) : value;
    case 'variant': {
      const type = (value as { type?: unknown } | null)?.type;
      const inner = typeof type === 'string' && Object.hasOwn(shape.cases, type) ? shape.cases[type] : undefined;
      return inner ? normalize(inner, value, path) : value;
    }
    case 'struct': {
      if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // defined, not assigned: a "__proto__" key stays an own (and so refused) field
        Object.defineProperty(out, k, { value: Object.hasOwn(shape.fields, k) ? normalize(shape.fields[k]!, v, `${path}.${k}`) : v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

export function msgFromInput(input: MsgInput | AnyMsg): AnyMsg {
  return msgSchema.parse(normalize(msgSchema, input, 'msg'), 'msg');
}
