/**
 * An insertion-ordered set of fixed-length ids (32 bytes unless told) kept in state as a doubly linked list: one record for the
 * list's ends and count, one per member for its neighbours. Adding, removing and reading the first
 * member cost O(1) reads and writes whatever the list's length (the state is a hashed key-value
 * map with no range scans, so a list that must stay cheap at any size cannot be one record).
 */
import { bytes, nullable, struct, u64 } from '../../protocol/encoding/schema.ts';
import { concatBytes, equalBytes } from '../../protocol/encoding/bytes.ts';
import { record } from './record.ts';
import type { Overlay, StateReader } from './view.ts';


export interface LinkedSet {
  /** The state key of a list's ends record (what `first` and `count` read), for prefetching. */
  endsKey(list: Uint8Array): Uint8Array;
  add(state: Overlay, list: Uint8Array, id: Uint8Array): Promise<void>;
  /** Removes a member (a no-op for an id not in the list). */
  remove(state: Overlay, list: Uint8Array, id: Uint8Array): Promise<void>;
  first(state: StateReader, list: Uint8Array): Promise<Uint8Array | null>;
  next(state: StateReader, list: Uint8Array, id: Uint8Array): Promise<Uint8Array | null>;
  count(state: StateReader, list: Uint8Array): Promise<bigint>;
  /** Moves the members before `id` (a member) to the back, in their order: O(1) whatever their number. */
  rotate(state: Overlay, list: Uint8Array, id: Uint8Array): Promise<void>;
  /** The members from the first, in order, read one at a time as the caller goes. */
  members(state: StateReader, list: Uint8Array): AsyncGenerator<Uint8Array>;
  /** Up to `limit` members from the first, in order. */
  walk(state: StateReader, list: Uint8Array, limit: number): Promise<Uint8Array[]>;
}

/** `namespace`/ends keyed by list id, `namespace`/link keyed by list id ‖ member id. */
export function linkedSet(namespace: string, idLength = 32): LinkedSet {
  const id = bytes({ len: idLength });
  const ends = record(`${namespace}/ends`, struct({ first: id, last: id, count: u64 }));
  const links = record(`${namespace}/link`, struct({ prev: nullable(id), next: nullable(id) }));
  const at = (list: Uint8Array, id: Uint8Array) => concatBytes(list, id);
  async function relink(state: Overlay, list: Uint8Array, id: Uint8Array, side: 'prev' | 'next', to: Uint8Array | null): Promise<void> {
    const l = (await links.get(state, at(list, id)))!;
    links.put(state, at(list, id), { ...l, [side]: to });
  }
  const set: LinkedSet = {
    endsKey: (list) => ends.key(list),
    async add(state, list, id) {
      const e = await ends.get(state, list);
      links.put(state, at(list, id), { prev: e?.last ?? null, next: null });
      if (e) await relink(state, list, e.last, 'next', id);
      ends.put(state, list, { first: e?.first ?? id, last: id, count: (e?.count ?? 0n) + 1n });
    },
    async remove(state, list, id) {
      const l = await links.get(state, at(list, id));
      if (!l) return;
      const e = (await ends.get(state, list))!;
      links.remove(state, at(list, id));
      if (e.count === 1n) return ends.remove(state, list);
      if (l.prev) await relink(state, list, l.prev, 'next', l.next);
      if (l.next) await relink(state, list, l.next, 'prev', l.prev);
      ends.put(state, list, { first: l.prev ? e.first : l.next!, last: l.next ? e.last : l.prev!, count: e.count - 1n });
    },
    async rotate(state, list, id) {
      const e = (await ends.get(state, list))!;
      if (equalBytes(e.first, id)) return;
      const l = (await links.get(state, at(list, id)))!;
      links.put(state, at(list, id), { ...l, prev: null }); // before the relinks: `id` may be the last
      await relink(state, list, l.prev!, 'next', null);
      await relink(state, list, e.last, 'next', e.first);
      await relink(state, list, e.first, 'prev', e.last);
      ends.put(state, list, { ...e, first: id, last: l.prev! });
    },
    async first(state, list) {
      return (await ends.get(state, list))?.first ?? null;
    },
    async next(state, list, id) {
      return (await links.get(state, at(list, id)))?.next ?? null;
    },
    async count(state, list) {
      return (await ends.get(state, list))?.count ?? 0n;
    },
    async *members(state, list) {
      for (let id = await set.first(state, list); id; id = await set.next(state, list, id)) yield id;
    },
    async walk(state, list, limit) {
      const out: Uint8Array[] = [];
      if (limit > 0) for await (const id of set.members(state, list)) if (out.push(id) >= limit) break;
      return out;
    },
  };
  return set;
}
