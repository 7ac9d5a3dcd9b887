/**
 * Typed records in state: a namespace, a schema and a canonical CBOR value under the SMT key
 * SHA-256-tagged("quarry/state/<namespace>", id). Modules declare their records with `record()`.
 */
import { taggedHash } from '../crypto/hash.ts';
import { decodeAs, encode } from '../../protocol/encoding/cbor.ts';
import type { Schema } from '../../protocol/encoding/schema.ts';
import type { Overlay, StateReader } from './view.ts';

export interface Record<T> {
  key(id: Uint8Array): Uint8Array;
  get(state: StateReader, id: Uint8Array): Promise<T | undefined>;
  put(state: Overlay, id: Uint8Array, value: T): void;
  remove(state: Overlay, id: Uint8Array): void;
}

export const NO_ID = new Uint8Array(0);

export function record<T>(namespace: string, schema: Schema<T>): Record<T> {
  const tag = `quarry/state/${namespace}`;
  const key = (id: Uint8Array) => taggedHash(tag, id);
  return {
    key,
    async get(state, id) {
      const bytes = await state.get(key(id));
      return bytes === undefined ? undefined : decodeAs(schema, bytes);
    },
    put(state, id, value) {
      state.set(key(id), encode(value));
    },
    remove(state, id) {
      state.delete(key(id));
    },
  };
}
