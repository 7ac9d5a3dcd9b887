/** Proof-market fixtures: the example circuits' ids and a prover for the Poseidon-preimage one. */
import { readFileSync } from 'node:fs';
import { poseidon1 } from 'poseidon-lite';
import { circuitFiles } from '../../circuits/artifacts.ts';
import { circuitIdOf } from '../../puzzle/circuit.ts';
import { Groth16Prover } from '../../puzzle/groth16-prover.ts';
import { exampleCircuits } from '../../genesis/builder.ts';
import { toHex } from '../../node/encoding/bytes.ts';
import type { Msg } from '../../node/modules/types.ts';

export const PREIMAGE = exampleCircuits()[0]!;
export const PREIMAGE_ID = circuitIdOf(PREIMAGE.vk, PREIMAGE.wasmHash);

let prover: Promise<Groth16Prover> | null = null;
export function preimageProver(): Promise<Groth16Prover> {
  const f = circuitFiles('poseidon-preimage');
  prover ??= Groth16Prover.create(new Uint8Array(readFileSync(f.zkey)), new Uint8Array(readFileSync(f.wasm)));
  return prover;
}

/** Inputs of a preimage request for secret x, and the proof/public signals a fill carries. */
export function preimageInputs(x: bigint) {
  return [
    { name: 'hash', values: [poseidon1([x]).toString()] },
    { name: 'preimage', values: [x.toString()] },
  ];
}

export async function preimageFill(x: bigint): Promise<{ proof: Uint8Array; publicSignals: string[] }> {
  const p = await (await preimageProver()).prove({ preimage: x, hash: poseidon1([x]) });
  return { proof: p.proof, publicSignals: p.publicSignals.map(String) };
}

export interface RequestOpts {
  minPrice?: bigint;
  maxPrice?: bigint;
  rampBlocks?: bigint;
  lockBlocks?: bigint;
  deadlineBlocks?: bigint;
  collateral?: bigint;
  minReputationPpm?: bigint;
  escalationCap?: bigint;
  reservation?: Uint8Array | null;
}

export function requestMsg(x: bigint, o: RequestOpts = {}): Msg {
  const maxPrice = o.maxPrice ?? 1_000_000n;
  return {
    type: 'market/request-proof',
    circuitId: PREIMAGE_ID,
    inputs: preimageInputs(x),
    minPrice: o.minPrice ?? maxPrice / 2n,
    maxPrice,
    rampBlocks: o.rampBlocks ?? 4n,
    lockBlocks: o.lockBlocks ?? 5n,
    deadlineBlocks: o.deadlineBlocks ?? 20n,
    collateral: o.collateral ?? 500_000n,
    minReputationPpm: o.minReputationPpm ?? 0n,
    escalationCap: o.escalationCap ?? maxPrice,
    reservation: o.reservation ?? null,
  } as Msg;
}

export const hex = toHex;
