/**
 * Input mutators for the decoder fuzzer: generic byte mutations (flips, truncation, extension,
 * splicing two seeds) and CBOR-aware ones that keep the input mostly well-formed so it reaches
 * the schema layer (retyped heads, changed lengths, non-minimal integers, duplicated or
 * prototype-named map keys, indefinite lengths).
 */
import { Rng } from '../helpers/rng.ts';
import { utf8 } from '../../protocol/encoding/bytes.ts';

/** One CBOR item head: where it starts, its major type, argument and where the item ends. */
interface Head {
  at: number;
  major: number;
  arg: number;
  headLen: number;
  end: number;
}

const argBytes = (ai: number): number => (ai < 24 ? 0 : ai <= 27 ? 1 << (ai - 24) : -1);

/** Walks one item at `at`, collecting every head; returns the item's end, or -1 if malformed. */
function walk(b: Uint8Array, at: number, heads: Head[], depth = 0): number {
  if (at >= b.length || depth > 64) return -1;
  const major = b[at]! >> 5;
  const ai = b[at]! & 0x1f;
  const n = argBytes(ai);
  if (n < 0 || at + 1 + n > b.length) return -1;
  let arg = n === 0 ? ai : 0;
  for (let i = 0; i < n; i++) arg = arg * 256 + b[at + 1 + i]!;
  const head: Head = { at, major, arg, headLen: 1 + n, end: -1 };
  heads.push(head);
  let end = at + 1 + n;
  if (major === 2 || major === 3) end += arg;
  else if (major === 4 || major === 5) {
    for (let i = 0; i < arg * (major === 5 ? 2 : 1) && end >= 0; i++) end = walk(b, end, heads, depth + 1);
  } else if (major === 6) end = walk(b, end, heads, depth + 1);
  if (end < 0 || end > b.length) return -1;
  head.end = end;
  return end;
}

function heads(b: Uint8Array): Head[] {
  const out: Head[] = [];
  walk(b, 0, out);
  return out.filter((h) => h.end >= 0);
}

/** The head for (major, arg), minimal unless `width` forces a longer argument. */
function encodeHead(major: number, arg: number, width = 0): number[] {
  const m = major << 5;
  if (width === 0 && arg < 24) return [m | arg];
  const w = Math.max(width, arg < 256 ? 1 : arg < 65536 ? 2 : 4);
  const ai = w === 1 ? 24 : w === 2 ? 25 : w === 4 ? 26 : 27;
  const out = [m | ai];
  for (let i = w - 1; i >= 0; i--) out.push(Math.floor(arg / 2 ** (8 * i)) & 0xff);
  return out;
}

const splice = (b: Uint8Array, from: number, to: number, insert: ArrayLike<number>): Uint8Array =>
  Uint8Array.from([...b.subarray(0, from), ...Array.from(insert), ...b.subarray(to)]);

/** Keys a plain-object decoder could confuse with inherited properties, plus real field names. */
const KEY_DICTIONARY = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'type', 'height', 'body', ''];
/** Single-byte items the strict decoder must refuse or the schema must reject. */
const EDGE_ITEMS = [0xf4, 0xf5, 0xf6, 0xf7, 0xff, 0x00, 0x20, 0x40, 0x60, 0x80, 0xa0, 0xc0, 0xc2, 0xf9, 0xfa, 0xfb, 0x1b, 0x3b, 0x5f, 0x7f, 0x9f, 0xbf];

function cborMutation(rng: Rng, b: Uint8Array): Uint8Array {
  const hs = heads(b);
  if (hs.length === 0) return b;
  const h = rng.pick(hs);
  const low = b[h.at]! & 0x1f;
  switch (rng.int(9)) {
    case 0: // retype: same argument, other major type
      return splice(b, h.at, h.at + 1, [(rng.int(8) << 5) | low]);
    case 1: // change a length or integer argument by a little
      return splice(b, h.at, h.at + h.headLen, encodeHead(h.major, Math.max(0, h.arg + rng.pick([-2, -1, 1, 2, 64, 1000]))));
    case 2: // non-minimal argument encoding of the same value
      return splice(b, h.at, h.at + h.headLen, encodeHead(h.major, h.arg, rng.pick([1, 2, 4, 8])));
    case 3: { // duplicate a map entry (same key twice)
      const m = hs.filter((x) => x.major === 5 && x.arg > 0);
      if (m.length === 0) return b;
      const map = rng.pick(m);
      const first = map.at + map.headLen;
      const keyEnd = walk(b, first, []);
      const valEnd = keyEnd < 0 ? -1 : walk(b, keyEnd, []);
      if (valEnd < 0) return b;
      const withEntry = splice(b, valEnd, valEnd, b.subarray(first, valEnd));
      return splice(withEntry, map.at, map.at + map.headLen, encodeHead(5, map.arg + 1));
    }
    case 4: { // add an entry under a dictionary key (inherited property names, known fields)
      const m = hs.filter((x) => x.major === 5);
      if (m.length === 0) return b;
      const map = rng.pick(m);
      const key = utf8(rng.pick(KEY_DICTIONARY));
      const entry = [...encodeHead(3, key.length), ...key, rng.pick([0x00, 0xf6, 0xa0, 0x80])];
      const at = rng.chance(0.5) ? map.at + map.headLen : map.end;
      const withEntry = splice(b, at, at, entry);
      return splice(withEntry, map.at, map.at + map.headLen, encodeHead(5, map.arg + 1));
    }
    case 5: // indefinite length on a string, array or map
      return h.major >= 2 && h.major <= 5 ? splice(b, h.at, h.at + h.headLen, [(h.major << 5) | 31]) : b;
    case 6: // replace a whole item with an edge item
      return splice(b, h.at, h.end, [rng.pick(EDGE_ITEMS)]);
    case 7: // replace a whole item with a copy of another
      { const o = rng.pick(hs); return splice(b, h.at, h.end, b.subarray(o.at, o.end)); }
    default: // drop an item (its parent's count is now off by one)
      return splice(b, h.at, h.end, []);
  }
}

export function byteMutation(rng: Rng, b: Uint8Array, other: Uint8Array): Uint8Array {
  const at = rng.int(Math.max(1, b.length));
  switch (rng.int(7)) {
    case 0: { const c = Uint8Array.from(b); if (c.length) c[at] = c[at]! ^ (1 << rng.int(8)); return c; }
    case 1: { const c = Uint8Array.from(b); if (c.length) c[at] = rng.int(256); return c; }
    case 2: return splice(b, at, at, rng.bytes(1 + rng.int(8)));
    case 3: return splice(b, at, Math.min(b.length, at + 1 + rng.int(8)), []);
    case 4: return b.subarray(0, at);
    case 5: return Uint8Array.from([...b, ...rng.bytes(1 + rng.int(16))]);
    default: return splice(b, at, b.length, other.subarray(rng.int(Math.max(1, other.length))));
  }
}

/** One to three mutations of `seed`; `other` is another seed for splicing. */
export function mutateCbor(rng: Rng, seed: Uint8Array, other: Uint8Array): Uint8Array {
  let b = seed;
  for (let r = 1 + rng.int(3); r > 0; r--) b = rng.chance(0.5) ? cborMutation(rng, b) : byteMutation(rng, b, other);
  return b;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Values a JSON field may be retyped to. */
const JSON_VALUES: Json[] = [null, true, 0, -1, 1.5, 1e300, '', '0', '-1', '18446744073709551616', '0x10', 'zz', [], {}, [1], { a: 1 }];

function mutateJsonValue(rng: Rng, v: Json): Json {
  if (Array.isArray(v)) {
    const c = [...v];
    if (c.length && rng.chance(0.6)) {
      const i = rng.int(c.length);
      if (rng.chance(0.3)) c.splice(i, 1);
      else if (rng.chance(0.3)) c.push(c[i]!);
      else c[i] = mutateJsonValue(rng, c[i]!);
      return c;
    }
    return rng.pick(JSON_VALUES);
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    const c: { [k: string]: Json } = { ...v };
    const r = rng.int(10);
    if (keys.length && r < 6) { const k = rng.pick(keys); c[k] = mutateJsonValue(rng, v[k]!); return c; }
    if (keys.length && r < 8) { delete c[rng.pick(keys)]; return c; }
    if (r < 9) { Object.defineProperty(c, rng.pick(KEY_DICTIONARY), { value: rng.pick(JSON_VALUES), enumerable: true, configurable: true, writable: true }); return c; }
    return rng.pick(JSON_VALUES);
  }
  return rng.chance(0.8) ? rng.pick(JSON_VALUES) : typeof v === 'string' ? v + rng.pick(['0', ' ', '\u0000', 'é']) : v;
}

/**
 * JSON documents: structural mutations (drop, duplicate, retype fields and elements; add
 * inherited-property keys) on the parsed tree, or the byte mutations on the text.
 */
export function mutateJson(rng: Rng, seed: Uint8Array, other: Uint8Array): Uint8Array {
  if (rng.chance(0.25)) return byteMutation(rng, seed, other);
  let doc: Json;
  try {
    doc = JSON.parse(new TextDecoder().decode(seed)) as Json;
  } catch {
    return byteMutation(rng, seed, other);
  }
  for (let r = 1 + rng.int(3); r > 0; r--) doc = mutateJsonValue(rng, doc);
  return utf8(JSON.stringify(doc, null, rng.chance(0.5) ? 2 : undefined));
}
