/**
 * Poseidon over the BN254 scalar field with circomlib's parameters, the hash the example market
 * circuits use (`poseidon-preimage` proves knowledge of `preimage` with `hash = poseidon([preimage])`),
 * so a requester can build a request's public inputs. poseidon-lite does the hashing.
 */
import * as lite from 'poseidon-lite';
import { QuarryClientError } from './errors.ts';

const BY_ARITY: ReadonlyArray<(inputs: bigint[]) => bigint> = [
  lite.poseidon1, lite.poseidon2, lite.poseidon3, lite.poseidon4, lite.poseidon5, lite.poseidon6, lite.poseidon7, lite.poseidon8,
  lite.poseidon9, lite.poseidon10, lite.poseidon11, lite.poseidon12, lite.poseidon13, lite.poseidon14, lite.poseidon15, lite.poseidon16,
];

/** poseidon(inputs) for 1 to 16 field elements. */
export function poseidonHash(inputs: bigint[]): bigint {
  const hash = BY_ARITY[inputs.length - 1];
  if (!hash) throw new QuarryClientError('E_BAD_REQUEST', `poseidon takes 1 to 16 inputs, got ${inputs.length}`);
  return hash(inputs);
}
