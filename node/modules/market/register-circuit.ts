/**
 * `market/register-circuit`: put a Groth16 BN254 circuit on chain. Its id is the hash of the
 * canonical verification key and the witness generator's hash (the same id the puzzle uses); the
 * wasm and zkey are content-addressed artifacts that nodes serve (docs/market.md §artifacts).
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import { NO_ID } from '../../state/record.ts';
import { defineMsg } from '../types.ts';
import { circuitIdOf, decodeCanonicalVk } from '../../../protocol/verification-key.ts';
import { circuitList, circuits } from './state.ts';
import { registerCircuitSpec, type RegisterCircuitMsg } from '../../../protocol/messages/market.ts';

export const registerCircuit = defineMsg<RegisterCircuitMsg>({
  ...registerCircuitSpec,
  spend: () => 0n,
  async apply(ctx, m) {
    const vk = decodeCanonicalVk(m.vk);
    if (vk.nPublic !== m.nOutputs + m.publicInputs.length) throw new QuarryError('E_INVALID_MSG', `the key has ${vk.nPublic} public signals, not ${m.nOutputs} outputs + ${m.publicInputs.length} public inputs`);
    const id = circuitIdOf(m.vk, m.wasmHash);
    if (await circuits.get(ctx.state, id)) throw new QuarryError('E_DUPLICATE', 'circuit already registered');
    circuits.put(ctx.state, id, { name: m.name, vk: m.vk, wasmHash: m.wasmHash, zkeyHash: m.zkeyHash, nOutputs: m.nOutputs, publicInputs: m.publicInputs, owner: ctx.signer, registeredAt: ctx.height });
    circuitList.put(ctx.state, NO_ID, { ids: [...((await circuitList.get(ctx.state, NO_ID))?.ids ?? []), id] });
    ctx.emit({ type: 'market-circuit', id: toHex(id), name: m.name });
  },
});
