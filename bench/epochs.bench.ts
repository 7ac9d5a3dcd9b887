/**
 * Epoch proofs (docs/epochs.md): compile, step proof time, peak memory, proof size and verify time
 * for 4 and 16 validators (and 64 with QUARRY_BENCH_EPOCH_64=1: ≈ 10 more minutes), each size in
 * its own process. The light client's end-to-end time is printed by its e2e test and by
 * `quarry light` itself (per step).
 */
import { execFileSync } from 'node:child_process';
import { fmt, heading, row } from './util.ts';

interface Figures {
  n: number;
  rows: number;
  compileMs: number;
  genesisMs: number;
  stepMs: number;
  verifyMs: number;
  proofBytes: number;
  peakMb: number;
}

export async function benchEpochs(): Promise<void> {
  heading('Epoch proofs (o1js recursive handoff step, every member signs; cold key cache)');
  const sizes = process.env.QUARRY_BENCH_EPOCH_64 === '1' ? [4, 16, 64] : [4, 16];
  for (const n of sizes) {
    const out = execFileSync(process.execPath, ['--import', './bin/polyfill.mjs', '--import', 'tsx', 'bench/epoch-worker.ts', String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const f = JSON.parse(out.trim().split('\n').pop()!) as Figures;
    row(`${n} validators: rows in the step circuit`, fmt(f.rows));
    row(`${n} validators: compile (s)`, fmt(f.compileMs / 1000, 1));
    row(`${n} validators: genesis proof / handoff step (s)`, `${fmt(f.genesisMs / 1000, 1)} / ${fmt(f.stepMs / 1000, 1)}`);
    row(`${n} validators: peak memory (MB)`, fmt(f.peakMb));
    row(`${n} validators: proof size (JSON bytes) / verify (ms)`, `${fmt(f.proofBytes)} / ${fmt(f.verifyMs)}`);
  }
}
