/**
 * The canonical prover: Groth16 proofs of the puzzle circuit with blinding scalars derived from
 * the statement, so one statement has exactly one proof (docs/puzzle.md §canonical proofs). The
 * proving key stays resident in wasm memory across proofs; nothing touches the disk per proof.
 */
import { readFileSync } from 'node:fs';
import { parseZkey } from './zkey.ts';
import { WasmGroth16, type RawProof } from './wasm-groth16.ts';
import { WitnessGenerator, publicSignals, type PuzzleCircuit } from './circuit.ts';
import { canonicalBlinding, type Statement } from './field.ts';
import { encodeProof, type AffineProof } from '../protocol/proof-codec.ts';

export interface CanonicalProof {
  proof: AffineProof;
  bytes: Uint8Array;
  publicSignals: bigint[];
}

export class CanonicalProver {
  private constructor(readonly circuit: PuzzleCircuit, private readonly engine: WasmGroth16, private readonly witnesses: WitnessGenerator) {}

  /** `precompute`: tables that make each proof ≈ 2× faster after seconds of setup (WasmGroth16.create), for many proofs. */
  static async create(circuit: PuzzleCircuit, o: { precompute?: boolean } = {}): Promise<CanonicalProver> {
    const zkey = parseZkey(new Uint8Array(readFileSync(circuit.zkeyPath)));
    return new CanonicalProver(circuit, await WasmGroth16.create(zkey, o), await WitnessGenerator.create(circuit));
  }

  /** Proves with explicit blinding scalars (tests use this to build non-canonical proofs). */
  proveWith(witness: Uint8Array, r: bigint, s: bigint, abort?: () => boolean): RawProof {
    const { Fr } = this.engine.curve;
    return this.engine.prove(witness, Fr.e(r), Fr.e(s), abort);
  }

  toAffine(raw: RawProof): AffineProof {
    const { G1, G2 } = this.engine.curve;
    const a = G1.toObject(G1.toAffine(raw.A)) as bigint[];
    const b = G2.toObject(G2.toAffine(raw.B)) as bigint[][];
    const c = G1.toObject(G1.toAffine(raw.C)) as bigint[];
    return { a: [a[0]!, a[1]!], b: [[b[0]![0]!, b[0]![1]!], [b[1]![0]!, b[1]![1]!]], c: [c[0]!, c[1]!] };
  }

  async witness(st: Statement): Promise<Uint8Array> {
    return this.witnesses.witness(st);
  }

  /** The canonical proof of `st`; `abort` is polled between stages (throws ProofAborted). */
  async prove(st: Statement, abort?: () => boolean): Promise<CanonicalProof> {
    const witness = await this.witnesses.witness(st);
    const { r, s } = canonicalBlinding(this.circuit.id, st);
    const proof = this.toAffine(this.proveWith(witness, r, s, abort));
    return { proof, bytes: encodeProof(proof), publicSignals: publicSignals(witness, this.circuit.vk.nPublic) };
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}
