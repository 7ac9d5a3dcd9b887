/**
 * Circuit inputs in requests (docs/market.md §inputs): a canonical list of named signals with
 * decimal field elements. In v1 every input, private ones included, is visible to provers.
 */
import { encode } from '../../../protocol/encoding/cbor.ts';
import { taggedHash } from '../../crypto/hash.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { FR } from '../../../puzzle/field.ts';
import { PROVER_INPUT, type CircuitRecord } from './state.ts';
import { toHex } from '../../../protocol/encoding/bytes.ts';
import type { CircuitInputs } from '../../../protocol/messages/market.ts';

export function cacheKey(circuitId: Uint8Array, inputs: CircuitInputs): Uint8Array {
  return taggedHash('quarry/market/inputs', circuitId, encode(inputs));
}

/**
 * Checks a request's inputs against its circuit. A race (`bound`) leaves out the circuit's
 * `prover` input: each racer proves with its own address there (docs/market.md §race).
 */
export function checkInputs(c: CircuitRecord, inputs: CircuitInputs, bound = false): void {
  const names = new Set<string>();
  for (const i of inputs) {
    if (names.has(i.name)) throw new QuarryError('E_INVALID_MSG', `input "${i.name}" appears twice`);
    names.add(i.name);
    if (i.values.some((v) => BigInt(v) >= FR)) throw new QuarryError('E_INVALID_MSG', `input "${i.name}" holds a value outside the field`);
  }
  if (bound && !c.publicInputs.includes(PROVER_INPUT)) throw new QuarryError('E_INVALID_MSG', `a race needs a circuit with a public input named "${PROVER_INPUT}" that binds each proof to its prover`);
  if (bound && inputs.some((x) => x.name === PROVER_INPUT)) throw new QuarryError('E_INVALID_MSG', `a race leaves "${PROVER_INPUT}" to each racer`);
  for (const p of c.publicInputs) {
    if (bound && p === PROVER_INPUT) continue;
    const i = inputs.find((x) => x.name === p);
    if (!i || i.values.length !== 1) throw new QuarryError('E_INVALID_MSG', `public input "${p}" must be given as one value`);
  }
}

/**
 * The public signals a fill must carry: outputs are free, public inputs must equal the request's;
 * in a race the `prover` input must be the filler's address (`boundTo`).
 */
export function publicSignalsMatch(c: CircuitRecord, inputs: CircuitInputs, signals: string[], nPublic: number, boundTo?: Uint8Array): boolean {
  if (signals.length !== nPublic || c.nOutputs + c.publicInputs.length !== nPublic) return false;
  const expected = (name: string) => (boundTo && name === PROVER_INPUT ? proverField(boundTo) : BigInt(inputs.find((x) => x.name === name)!.values[0]!));
  return c.publicInputs.every((name, k) => expected(name) === BigInt(signals[c.nOutputs + k]!));
}

/** An address as the field element a race circuit's `prover` input takes (20 bytes, big-endian: below the field). */
export function proverField(address: Uint8Array): bigint {
  return BigInt(`0x${toHex(address)}`);
}
