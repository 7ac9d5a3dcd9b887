/**
 * A tiny schema language for decoded CBOR values. Parsing checks types, sizes and the exact set
 * of fields (unknown or missing fields are errors), and normalizes integers: u64 fields become
 * bigint whatever width the decoder chose.
 */
import { QuarryError } from '../errors.ts';

export interface Schema<T> {
  parse(value: unknown, path: string): T;
  /** What the schema holds, for code that walks a value by its schema (protocol/messages/input.ts). */
  readonly shape?: Shape;
}

/** The structure of composite and byte schemas (scalars have none). */
export type Shape =
  | { kind: 'bytes'; len?: number }
  | { kind: 'struct'; fields: Readonly<Record<string, Schema<unknown>>> }
  | { kind: 'array'; item: Schema<unknown> }
  | { kind: 'nullable'; inner: Schema<unknown> }
  | { kind: 'variant'; cases: Readonly<Record<string, Schema<unknown>>> };

export type Infer<S> = S extends Schema<infer T> ? T : never;

const U64_MAX = (1n << 64n) - 1n;

function bad(path: string, what: string): never {
  throw new QuarryError('E_DECODE', `${path}: ${what}`);
}

export const u64: Schema<bigint> = {
  parse(v, path) {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === 'bigint' && v >= 0n && v <= U64_MAX) return v;
    return bad(path, 'expected an unsigned 64-bit integer');
  },
};

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

export const i64: Schema<bigint> = {
  parse(v, path) {
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
    if (typeof v === 'bigint' && v >= I64_MIN && v <= I64_MAX) return v;
    return bad(path, 'expected a signed 64-bit integer');
  },
};

/**
 * Unsigned integers too wide for a CBOR integer (reward accumulators): a byte string holding the
 * minimal big-endian encoding (no leading zero byte; zero is the empty string).
 */
export const bigUint: Schema<bigint> = {
  parse(v, path) {
    if (!(v instanceof Uint8Array) || v.length > 64) return bad(path, 'expected a big unsigned integer (byte string)');
    if (v.length > 0 && v[0] === 0) return bad(path, 'big unsigned integer has a leading zero byte');
    let n = 0n;
    for (const b of v) n = (n << 8n) | BigInt(b);
    return n;
  },
};

/** Encodes a bigint for a `bigUint` field. */
export function bigUintBytes(n: bigint): Uint8Array {
  if (n < 0n) throw new Error('negative bigUint');
  const out: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return Uint8Array.from(out);
}

/** Small unsigned integers kept as JS numbers (rounds, counts, indices). */
export function uint(max: number): Schema<number> {
  return {
    parse(v, path) {
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max) return v;
      return bad(path, `expected an integer in [0, ${max}]`);
    },
  };
}

export const bool: Schema<boolean> = {
  parse(v, path) {
    if (typeof v === 'boolean') return v;
    return bad(path, 'expected a boolean');
  },
};

export function bytes(opts: { len?: number; max?: number } = {}): Schema<Uint8Array> {
  return {
    shape: { kind: 'bytes', len: opts.len },
    parse(v, path) {
      if (!(v instanceof Uint8Array)) return bad(path, 'expected a byte string');
      if (opts.len !== undefined && v.length !== opts.len) return bad(path, `expected ${opts.len} bytes, got ${v.length}`);
      if (opts.max !== undefined && v.length > opts.max) return bad(path, `byte string longer than ${opts.max}`);
      return v;
    },
  };
}

export function text(max: number, pattern?: RegExp): Schema<string> {
  return {
    parse(v, path) {
      if (typeof v !== 'string') return bad(path, 'expected a text string');
      if (v.length > max) return bad(path, `text longer than ${max}`);
      if (pattern && !pattern.test(v)) return bad(path, `text does not match ${pattern}`);
      return v;
    },
  };
}

export function literal<L extends string>(value: L): Schema<L> {
  return {
    parse(v, path) {
      if (v !== value) return bad(path, `expected "${value}"`);
      return value;
    },
  };
}

export function array<T>(item: Schema<T>, max: number, min = 0): Schema<T[]> {
  return {
    shape: { kind: 'array', item },
    parse(v, path) {
      if (!Array.isArray(v)) return bad(path, 'expected an array');
      if (v.length > max) return bad(path, `array longer than ${max}`);
      if (v.length < min) return bad(path, `array shorter than ${min}`);
      return v.map((x, i) => item.parse(x, `${path}[${i}]`));
    },
  };
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return {
    shape: { kind: 'nullable', inner },
    parse(v, path) {
      return v === null ? null : inner.parse(v, path);
    },
  };
}

type Fields = Record<string, Schema<unknown>>;
export type Struct<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

export function struct<F extends Fields>(fields: F): Schema<Struct<F>> {
  const names = Object.keys(fields);
  return {
    shape: { kind: 'struct', fields },
    parse(v, path) {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) return bad(path, 'expected a map');
      const obj = v as Record<string, unknown>;
      // own keys only: `in` would let "constructor", "__proto__" etc. through, dropped on re-encoding
      for (const key of Object.keys(obj)) if (!Object.hasOwn(fields, key)) bad(path, `unknown field "${key.slice(0, 64)}"`);
      const out: Record<string, unknown> = {};
      for (const name of names) {
        if (!Object.hasOwn(obj, name)) bad(path, `missing field "${name}"`);
        out[name] = fields[name]!.parse(obj[name], `${path}.${name}`);
      }
      return out as Struct<F>;
    },
  };
}

/** A tagged union keyed by a `type` field, e.g. transaction messages `{type: "bank/send", ...}`. */
export function variant<T extends { type: string }>(cases: Record<string, Schema<T>>): Schema<T> {
  return {
    shape: { kind: 'variant', cases },
    parse(v, path) {
      const type = (v as { type?: unknown } | null)?.type;
      if (typeof type !== 'string') return bad(path, 'missing "type"');
      const schema = Object.hasOwn(cases, type) ? cases[type] : undefined;
      if (!schema) throw new QuarryError('E_UNKNOWN_MSG', `${path}: unknown message type "${type.slice(0, 64)}"`);
      return schema.parse(v, path);
    },
  };
}
