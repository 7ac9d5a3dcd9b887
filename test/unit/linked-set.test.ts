/**
 * The linked set in state (node/state/linked-set.ts) behaves as an ordered list under any mix of
 * adds, removes and rotations: checked against a plain array after every step, in both
 * directions, and it leaves no records behind once emptied. Also the records under it: a write its
 * schema would refuse to read back is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, toHex } from '../../protocol/encoding/bytes.ts';
import { sha256 } from '../../node/crypto/hash.ts';
import { linkedSet } from '../../node/state/linked-set.ts';
import { record } from '../../node/state/record.ts';
import { array, bytes, nullable, struct, u64 } from '../../protocol/encoding/schema.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { Overlay } from '../../node/state/view.ts';

const empty = { get: async () => undefined };
const idOf = (i: number) => sha256(new Uint8Array([i]));

/** The members from the last by their `prev` links, read from the records in the documented layout (docs/market.md §due-index). */
const id32 = bytes({ len: 32 });
const ends = record('test/linked/ends', struct({ first: id32, last: id32, count: u64 }));
const links = record('test/linked/link', struct({ prev: nullable(id32), next: nullable(id32) }));
async function backwards(state: Overlay, list: Uint8Array): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let id = (await ends.get(state, list))?.last ?? null; id; id = (await links.get(state, concatBytes(list, id)))!.prev) out.push(id);
  return out;
}

test('adds, removes and rotations keep the order of a plain list, and an emptied list leaves no state', async () => {
  const set = linkedSet('test/linked');
  const list = new Uint8Array([9]);
  const state = new Overlay(empty);
  let model: number[] = [];
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let step = 0; step < 400; step++) {
    const op = rand(3);
    const absent = [...Array(40).keys()].filter((i) => !model.includes(i));
    if (op === 0 && absent.length) {
      const i = absent[rand(absent.length)]!;
      await set.add(state, list, idOf(i));
      model.push(i);
    } else if (op === 1 && model.length) {
      const i = model[rand(model.length)]!;
      await set.remove(state, list, idOf(i));
      model = model.filter((x) => x !== i);
    } else if (model.length) {
      const k = rand(model.length);
      await set.rotate(state, list, idOf(model[k]!));
      model = [...model.slice(k), ...model.slice(0, k)];
    }
    assert.deepEqual((await set.walk(state, list, 100)).map(toHex), model.map((i) => toHex(idOf(i))), `step ${step}`);
    assert.deepEqual((await backwards(state, list)).map(toHex), model.map((i) => toHex(idOf(i))).reverse(), `step ${step}, backwards`);
    assert.equal(await set.count(state, list), BigInt(model.length));
  }
  for (const i of model) await set.remove(state, list, idOf(i));
  await set.remove(state, list, idOf(0)); // absent: a no-op
  assert.deepEqual(state.changes().filter((c) => c.value !== null), [], 'no record is left');
});

test('a record refuses a value its schema would not read back, and the state keeps the old one', async () => {
  const list = record('test/bounded', struct({ items: array(u64, 2) }));
  const s = new Overlay(empty);
  list.put(s, new Uint8Array([1]), { items: [1n, 2n] });
  assert.throws(() => list.put(s, new Uint8Array([1]), { items: [1n, 2n, 3n] }), (e: unknown) => e instanceof QuarryError && e.code === 'E_INVALID_MSG' && /test\/bounded would exceed its bounds/.test(e.message));
  assert.deepEqual(await list.get(s, new Uint8Array([1])), { items: [1n, 2n] });
});
