/**
 * A puzzle circuit as provers and verifiers load it: checksummed artifact files, the verification
 * key, the witness generator, and the circuit id (protocol/verification-key.ts: the id covers the
 * wasm too, because the canonicity audit recomputes the witness, docs/puzzle.md §circuit).
 */
import { readFileSync } from 'node:fs';
import type { WitnessCalculator } from 'circom_runtime';
import { verifyArtifacts, type CircuitName } from '../circuits/artifacts.ts';
import { sha256 } from '../node/crypto/hash.ts';
import { circuitId, type VerificationKeyJson } from '../protocol/verification-key.ts';
import { circuitInputs, type Statement } from './field.ts';

export interface PuzzleCircuit {
  name: CircuitName;
  /** Circuit id = vkHash: tagged SHA-256 of the canonical verification key and the wasm hash. */
  id: Uint8Array;
  vk: VerificationKeyJson;
  wasm: Uint8Array;
  zkeyPath: string;
  vkeyPath: string;
}

/** Loads and checksum-verifies a committed circuit; throws E_CONFIG on any mismatch. */
export function loadCircuit(name: CircuitName): PuzzleCircuit {
  const files = verifyArtifacts(name);
  const vk = JSON.parse(readFileSync(files.vkey, 'utf8')) as VerificationKeyJson;
  const wasm = new Uint8Array(readFileSync(files.wasm));
  return { name, id: circuitId(vk, sha256(wasm)), vk, wasm, zkeyPath: files.zkey, vkeyPath: files.vkey };
}

/** The circuit's witness generator (one instance per thread; it is not reentrant). */
export class WitnessGenerator {
  private constructor(private readonly wc: WitnessCalculator) {}

  static async create(circuit: PuzzleCircuit): Promise<WitnessGenerator> {
    // circom_runtime (with ffjavascript) costs a quarter second to load: only provers need it
    const { WitnessCalculatorBuilder } = await import('circom_runtime');
    return new WitnessGenerator(await WitnessCalculatorBuilder(circuit.wasm));
  }

  /** The full witness: field elements, 32-byte little-endian, normal form. */
  async witness(st: Statement): Promise<Uint8Array> {
    const wtns = await this.wc.calculateWTNSBin(circuitInputs(st), true);
    return wtns.subarray(wtns.length - this.wc.witnessSize * 32);
  }
}

/** Public signals in circuit order: [digest, challenge, address, nonce]. */
export function publicSignals(witness: Uint8Array, nPublic: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 1; i <= nPublic; i++) {
    let v = 0n;
    for (let k = 31; k >= 0; k--) v = (v << 8n) | BigInt(witness[i * 32 + k]!);
    out.push(v);
  }
  return out;
}
