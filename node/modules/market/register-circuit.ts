/**
 * `market/register-circuit`: put a Groth16 BN254 circuit on chain. Its id is the hash of the
 * canonical verification key and the witness generator's hash (the same id the puzzle uses); the
 * wasm and zkey are content-addressed artifacts that nodes serve (docs/market.md §artifacts).
 */
import { array, bytes, literal, struct, text, uint, type Infer } from '../../encoding/schema.ts';
import { QuarryError } from '../../errors.ts';
import { toHex } from '../../encoding/bytes.ts';
import { NO_ID } from '../../state/record.ts';
import { defineMsg } from '../types.ts';
import { circuitIdOf, decodeCanonicalVk } from '../../../puzzle/circuit.ts';
import { circuitList, circuits } from './state.ts';

const schema = struct({
  type: literal('market/register-circuit'),
  name: text(64),
  vk: bytes({ max: 16_384 }),
  wasmHash: bytes({ len: 32 }),
  zkeyHash: bytes({ len: 32 }),
  nOutputs: uint(64),
  publicInputs: array(text(64, /^[A-Za-z_][A-Za-z0-9_]*$/), 64),
});
export type RegisterCircuitMsg = Infer<typeof schema>;

export const registerCircuit = defineMsg<RegisterCircuitMsg>({
  type: 'market/register-circuit',
  schema,
  weight: (m) => 50_000n + BigInt(m.vk.length) * 10n,
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
