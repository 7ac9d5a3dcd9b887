/**
 * A general Groth16 prover for any circuit's artifacts (the proof market): the resident-key wasm
 * engine of the canonical prover, fresh random blinding (market proofs need no canonicity), and
 * public signals read from the witness.
 */
import { randomBytes } from 'node:crypto';
import { WitnessCalculatorBuilder, type WitnessCalculator } from 'circom_runtime';
import { parseZkey } from './zkey.ts';
import { WasmGroth16 } from './wasm-groth16.ts';
import { FR } from './field.ts';
import { bytesToBigBE } from '../protocol/encoding/bytes.ts';
import { publicSignals } from './circuit.ts';
import { encodeProof, type AffineProof } from '../protocol/proof-codec.ts';
import { QuarryError } from '../protocol/errors.ts';

export class Groth16Prover {
  /** The witness calculator and the engine hold one instance's memory: proofs run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly engine: WasmGroth16, private readonly wc: WitnessCalculator) {}

  static async create(zkey: Uint8Array, wasm: Uint8Array): Promise<Groth16Prover> {
    return new Groth16Prover(await WasmGroth16.create(parseZkey(zkey)), await WitnessCalculatorBuilder(wasm));
  }

  /** Proves `inputs` (signal name → value or values); E_NO_WITNESS if the inputs violate the circuit. */
  prove(inputs: Record<string, bigint | bigint[]>): Promise<{ proof: Uint8Array; publicSignals: bigint[] }> {
    const run = this.queue.then(() => this.proveNow(inputs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when `inputs` have a witness (milliseconds, no proof); E_NO_WITNESS otherwise. */
  checkWitness(inputs: Record<string, bigint | bigint[]>): Promise<void> {
    const run = this.queue.then(() => this.witness(inputs)).then(() => undefined);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private witness(inputs: Record<string, bigint | bigint[]>): Promise<Uint8Array> {
    return this.wc.calculateWTNSBin(inputs, true).catch((err: Error) => {
      throw new QuarryError('E_NO_WITNESS', `the inputs violate the circuit: ${err.message.split('\n')[0]}`);
    });
  }

  private async proveNow(inputs: Record<string, bigint | bigint[]>): Promise<{ proof: Uint8Array; publicSignals: bigint[] }> {
    const wtns = await this.witness(inputs);
    const witness = wtns.subarray(wtns.length - this.engine.zkey.nVars * 32);
    const { Fr, G1, G2 } = this.engine.curve;
    const random = () => Fr.e(bytesToBigBE(randomBytes(40)) % FR);
    const raw = this.engine.prove(witness, random(), random());
    const a = G1.toObject(G1.toAffine(raw.A)) as bigint[];
    const b = G2.toObject(G2.toAffine(raw.B)) as bigint[][];
    const c = G1.toObject(G1.toAffine(raw.C)) as bigint[];
    const proof: AffineProof = { a: [a[0]!, a[1]!], b: [[b[0]![0]!, b[0]![1]!], [b[1]![0]!, b[1]![1]!]], c: [c[0]!, c[1]!] };
    return { proof: encodeProof(proof), publicSignals: publicSignals(witness, this.engine.zkey.nPublic) };
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}
