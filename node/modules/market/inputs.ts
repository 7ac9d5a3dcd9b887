/**
 * Circuit inputs in requests (docs/market.md §inputs): a canonical list of named signals with
 * decimal field elements. In v1 every input, private ones included, is visible to provers.
 */
import { encode } from '../../../protocol/encoding/cbor.ts';
import { taggedHash } from '../../crypto/hash.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { FR } from '../../../puzzle/field.ts';
import type { CircuitRecord } from './state.ts';
import type { CircuitInputs } from '../../../protocol/messages/market.ts';

export function cacheKey(circuitId: Uint8Array, inputs: CircuitInputs): Uint8Array {
  return taggedHash('quarry/market/inputs', circuitId, encode(inputs));
}

export function checkInputs(c: CircuitRecord, inputs: CircuitInputs): void {
  const names = new Set<string>();
  for (const i of inputs) {
    if (names.has(i.name)) throw new QuarryError('E_INVALID_MSG', `input "${i.name}" appears twice`);
    names.add(i.name);
    if (i.values.some((v) => BigInt(v) >= FR)) throw new QuarryError('E_INVALID_MSG', `input "${i.name}" holds a value outside the field`);
  }
  for (const p of c.publicInputs) {
    const i = inputs.find((x) => x.name === p);
    if (!i || i.values.length !== 1) throw new QuarryError('E_INVALID_MSG', `public input "${p}" must be given as one value`);
  }
}

/** The public signals a fill must carry: outputs are free, public inputs must equal the request's. */
export function publicSignalsMatch(c: CircuitRecord, inputs: CircuitInputs, signals: string[], nPublic: number): boolean {
  if (signals.length !== nPublic || c.nOutputs + c.publicInputs.length !== nPublic) return false;
  return c.publicInputs.every((name, k) => BigInt(inputs.find((x) => x.name === name)!.values[0]!) === BigInt(signals[c.nOutputs + k]!));
}
