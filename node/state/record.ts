/**
 * Typed records in state: a namespace, a schema and a canonical CBOR value under the SMT key
 * SHA-256-tagged("quarry/state/<namespace>", id). Modules declare their records with `record()`.
 * Writes are checked against the schema, so state never holds a record it cannot read back.
 */
import { taggedHash } from '../crypto/hash.ts';
import { decodeStored, encode } from '../../protocol/encoding/cbor.ts';
import { QuarryError } from '../../protocol/errors.ts';
import type { Schema } from '../../protocol/encoding/schema.ts';
import type { Overlay, StateReader } from './view.ts';

export interface Record<T> {
  readonly namespace: string;
  readonly schema: Schema<T>;
  key(id: Uint8Array): Uint8Array;
  get(state: StateReader, id: Uint8Array): Promise<T | undefined>;
  put(state: Overlay, id: Uint8Array, value: T): void;
  remove(state: Overlay, id: Uint8Array): void;
}

export const NO_ID = new Uint8Array(0);

/** The SMT key of a record: H("quarry/state/<namespace>", id), docs/state.md. */
export const stateKey = (namespace: string, id: Uint8Array): Uint8Array => taggedHash(`quarry/state/${namespace}`, id);

export function record<T>(namespace: string, schema: Schema<T>): Record<T> {
  const key = (id: Uint8Array) => stateKey(namespace, id);
  // state holds only what `put` encoded (a synced state is bound to its root by the SMT), so a
  // read skips the canonical re-encoding an untrusted decode does: that round trip was 4.5 % of a
  // loaded validator's CPU (consensus benchmark profile)
  const parseStored = (bytes: Uint8Array): T => schema.parse(decodeStored(bytes), '$');
  return {
    namespace,
    schema,
    key,
    async get(state, id) {
      const bytes = await state.get(key(id));
      return bytes === undefined ? undefined : parseStored(bytes);
    },
    put(state, id, value) {
      const bytes = encode(value);
      // a value its own schema would refuse to read back (a list past its bound) must never be
      // stored: every later read of it would fail, and a read in end-of-block work halts the chain
      try {
        parseStored(bytes);
      } catch (err) {
        throw new QuarryError('E_INVALID_MSG', `${namespace} would exceed its bounds: ${(err as Error).message}`);
      }
      state.set(key(id), bytes);
    },
    remove(state, id) {
      state.delete(key(id));
    },
  };
}
