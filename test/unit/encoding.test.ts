import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAs, decodeStrict, encode } from '../../protocol/encoding/cbor.ts';
import { array, bytes, struct, text, u64, uint, variant, literal } from '../../protocol/encoding/schema.ts';
import { fromHex } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof QuarryError, `expected a QuarryError, got ${err}`);
    return err.code;
  }
  assert.fail('expected a rejection');
};

test('canonical values round-trip and re-encode identically', () => {
  const value = { b: 5n, a: (1n << 64n) - 1n, c: new Uint8Array([1, 2]), d: [1, 'x', null, true], e: -3 };
  const bytes = encode(value);
  const back = decodeStrict(bytes) as Record<string, unknown>;
  assert.deepEqual(encode(back), bytes);
  // map keys are sorted (RFC 8949 bytewise order of encoded keys)
  assert.deepEqual(Object.keys(back), ['a', 'b', 'c', 'd', 'e']);
});

test('non-canonical and malformed CBOR is rejected with E_DECODE', () => {
  const cases: Record<string, string> = {
    'non-minimal integer': '1805',
    'non-minimal length': '5801ff',
    'duplicate map key': 'a2616101616102',
    'unsorted map keys': 'a2616202616101',
    'indefinite-length array': '9f01ff',
    'indefinite-length bytes': '5f4101ff',
    undefined: 'f7',
    'half float': 'f93c00',
    'float that could be an int': 'fb3ff0000000000000',
    NaN: 'f97e00',
    'trailing bytes': '0101',
    'truncated input': '1a0000',
    'unknown tag': 'c24101',
    empty: '',
  };
  for (const [what, hex] of Object.entries(cases)) {
    assert.equal(code(() => decodeStrict(fromHex(hex))), 'E_DECODE', what);
  }
});

test('oversize input is rejected before decoding', () => {
  assert.equal(code(() => decodeStrict(new Uint8Array(2000), 1000)), 'E_TOO_LARGE');
});

test('schemas reject unknown, missing and mistyped fields', () => {
  const s = struct({ n: u64, name: text(8), raw: bytes({ len: 2 }), list: array(uint(10), 3) });
  const good = { n: 7n, name: 'ok', raw: new Uint8Array([1, 2]), list: [1, 2] };
  assert.deepEqual(decodeAs(s, encode(good)), good);
  const bad: Array<[string, unknown]> = [
    ['unknown field', { ...good, extra: 1 }],
    ['missing field', { n: 7n, name: 'ok', raw: new Uint8Array([1, 2]) }],
    ['negative u64', { ...good, n: -1 }],
    ['text too long', { ...good, name: 'much too long' }],
    ['wrong byte length', { ...good, raw: new Uint8Array(3) }],
    ['array too long', { ...good, list: [1, 2, 3, 4] }],
    ['value out of range', { ...good, list: [11] }],
    ['bytes where text expected', { ...good, name: new Uint8Array(1) }],
    ['not a map', [1, 2]],
  ];
  for (const [what, value] of bad) assert.equal(code(() => decodeAs(s, encode(value))), 'E_DECODE', what);
});

test('u64 accepts the full range whatever width the decoder picked', () => {
  const s = struct({ v: u64 });
  for (const v of [0n, 23n, 24n, 255n, 256n, 65535n, 65536n, 2n ** 32n, 2n ** 53n, 2n ** 64n - 1n]) {
    assert.equal(decodeAs(s, encode({ v })).v, v);
  }
});

test('variants reject unknown message types with E_UNKNOWN_MSG', () => {
  const s = variant({ 'a/x': struct({ type: literal('a/x'), v: u64 }) });
  assert.deepEqual(decodeAs(s, encode({ type: 'a/x', v: 1n })), { type: 'a/x', v: 1n });
  assert.equal(code(() => decodeAs(s, encode({ type: 'a/y', v: 1n }))), 'E_UNKNOWN_MSG');
  assert.equal(code(() => decodeAs(s, encode({ type: '__proto__', v: 1n }))), 'E_UNKNOWN_MSG');
  assert.equal(code(() => decodeAs(s, encode({ v: 1n }))), 'E_DECODE');
});
