/**
 * Validator sets and stake-weighted round-robin proposer selection (CometBFT's priority
 * algorithm, docs/consensus.md §proposer). Pure and integer-only: every node computes the same
 * proposer for every (height, round).
 */
import { encode } from '../protocol/encoding/cbor.ts';
import { equalBytes } from '../protocol/encoding/bytes.ts';
import { taggedHash } from '../node/crypto/hash.ts';
import { decodeBlsPublicKey, type BlsPublicKey } from '../node/crypto/bls.ts';
import { array, bytes, struct, u64, type Infer } from '../protocol/encoding/schema.ts';
import { advance, step } from '../protocol/proposer.ts';

export const validatorSchema = struct({
  address: bytes({ len: 20 }),
  blsPubKey: bytes({ len: 48 }),
  power: u64,
});
export type Validator = Infer<typeof validatorSchema>;
export const MAX_VALIDATORS = 256;
export const validatorListSchema = array(validatorSchema, MAX_VALIDATORS);

export class ValidatorSet {
  readonly totalPower: bigint;
  readonly hash: Uint8Array;
  private readonly keys: Array<BlsPublicKey | null> = [];

  /** Validators in canonical order (as stored on chain); powers must be positive. */
  constructor(readonly validators: readonly Validator[]) {
    if (validators.length === 0) throw new Error('validator set is empty');
    this.totalPower = validators.reduce((s, v) => s + v.power, 0n);
    this.hash = validatorSetHash(validators);
  }

  get size(): number {
    return this.validators.length;
  }

  /** The decoded BLS key of validator i, parsed once and kept (decoding costs ≈1.4 ms). */
  publicKey(i: number): BlsPublicKey {
    let k = this.keys[i];
    if (k === undefined) {
      k = decodeBlsPublicKey(this.validators[i]!.blsPubKey);
      this.keys[i] = k;
    }
    if (!k) throw new Error(`validator ${i} has an invalid BLS key`);
    return k;
  }

  power(i: number): bigint {
    return this.validators[i]?.power ?? 0n;
  }

  /** True when `power` is more than 2/3 of the total. */
  isQuorum(power: bigint): boolean {
    return power * 3n > this.totalPower * 2n;
  }

  /** True when `power` is more than 1/3 of the total (at least one honest validator). */
  isOneThird(power: bigint): boolean {
    return power * 3n > this.totalPower;
  }

  indexOf(address: Uint8Array): number {
    return this.validators.findIndex((v) => equalBytes(v.address, address));
  }

  /**
   * Proposer of round `round` given the priorities at round 0 of the height. CometBFT: each step
   * adds every validator's power to its priority, picks the highest (ties: lowest index) and
   * subtracts the total from the winner.
   */
  proposer(priorities: readonly bigint[], round: number): number {
    let p = [...priorities];
    let winner = 0;
    for (let r = 0; r <= round; r++) [p, winner] = incrementPriorities(this, p);
    return winner;
  }
}

export function validatorSetHash(validators: readonly Validator[]): Uint8Array {
  return taggedHash('quarry/valset', encode(validators));
}

/** One round of the priority algorithm: returns the new priorities and the chosen index. */
export function incrementPriorities(set: ValidatorSet, priorities: readonly bigint[]): [bigint[], number] {
  return step(set.validators.map((v) => v.power), set.totalPower, priorities);
}

/** Priorities for the next height (protocol/proposer.ts `advance`). */
export function nextPriorities(set: ValidatorSet, priorities: readonly bigint[]): bigint[] {
  return advance(set.validators.map((v) => v.power), set.totalPower, priorities);
}

export function initialPriorities(set: ValidatorSet): bigint[] {
  return set.validators.map(() => 0n);
}
