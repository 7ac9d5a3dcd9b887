/**
 * Which artifact hashes the chain names (docs/market.md §artifacts): the wasm and zkey of every
 * registered circuit, and of every `market/register-circuit` waiting in the mempool. This decides
 * what the artifact store keeps and what it only stages.
 */
import type { StateReader } from '../state/view.ts';
import type { Tx } from '../tx/tx.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { NO_ID } from '../state/record.ts';
import { circuitList, circuits } from '../modules/market/state.ts';
import type { RegisterCircuitMsg } from '../../protocol/messages/market.ts';
import type { ArtifactRefs } from './artifacts.ts';

export async function artifactRefs(state: StateReader, pending: Iterable<Tx>): Promise<ArtifactRefs> {
  const registered = new Set<string>();
  for (const id of (await circuitList.get(state, NO_ID))?.ids ?? []) {
    const c = await circuits.get(state, id);
    if (c) registered.add(toHex(c.wasmHash)).add(toHex(c.zkeyHash));
  }
  const named = new Set<string>();
  for (const tx of pending) {
    for (const m of tx.tx.body.msgs) {
      if (m.type !== 'market/register-circuit') continue;
      const r = m as RegisterCircuitMsg;
      named.add(toHex(r.wasmHash)).add(toHex(r.zkeyHash));
    }
  }
  return (hash) => (registered.has(hash) ? 'registered' : named.has(hash) ? 'pending' : null);
}
