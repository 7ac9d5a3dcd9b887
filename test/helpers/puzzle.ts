/** Shared puzzle fixtures for tests: the small circuit, one prover, one verifier. */
import { loadCircuit, type PuzzleCircuit } from '../../puzzle/circuit.ts';
import { CanonicalProver } from '../../puzzle/prover.ts';
import { PuzzleVerifier } from '../../puzzle/verifier.ts';
import { TEST_CIRCUIT } from './chain.ts';

let fixtures: Promise<{ circuit: PuzzleCircuit; prover: CanonicalProver; verifier: PuzzleVerifier }> | null = null;

export function puzzleFixtures() {
  fixtures ??= (async () => {
    const circuit = loadCircuit(TEST_CIRCUIT);
    return { circuit, prover: await CanonicalProver.create(circuit), verifier: await PuzzleVerifier.create(circuit, { precompute: false }) };
  })();
  return fixtures;
}
