/**
 * Epoch proofs (docs/epochs.md): compile, step proof time (one handoff, and a full batch of them), peak memory, proof size and verify time
 * for 4 and 16 validators (and 64 with QUARRY_BENCH_EPOCH_64=1: ≈ 10 more minutes), each size in
 * its own process. The smoke run analyses the 4-validator circuit only (rows), since the o1js
 * compile alone takes minutes; test/integration/epoch-proofs.test.ts proves with it for real.
 * The light client's end-to-end time is printed by its e2e test and by `quarry light` (per step).
 */
import { execFileSync } from 'node:child_process';
import { figure, heading, note, type BenchOptions } from './util.ts';

interface Figures {
  n: number;
  batch: number;
  rows: number;
  compileMs: number;
  genesisMs: number;
  stepMs: number;
  batchMs: number;
  verifyMs: number;
  proofBytes: number;
  peakMb: number;
}

function measure(n: number, rowsOnly: boolean): Figures {
  const args = ['--import', './bin/polyfill.mjs', '--import', 'tsx', 'bench/epoch-worker.ts', String(n), ...(rowsOnly ? ['--rows-only'] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Figures;
}

export async function benchEpochs(o: BenchOptions): Promise<void> {
  heading('Epoch proofs (o1js recursive handoff step, every member signs; cold key cache)');
  if (o.smoke) {
    figure('4 validators: rows in the step circuit', measure(4, true).rows, 'rows');
    note('smoke: compile, proofs, memory and verify skipped — the o1js compile alone takes minutes');
    return;
  }
  const sizes = process.env.QUARRY_BENCH_EPOCH_64 === '1' ? [4, 16, 64] : [4, 16];
  for (const n of sizes) {
    const f = measure(n, false);
    figure(`${n} validators: rows in the step circuit`, f.rows, 'rows');
    figure(`${n} validators: compile`, f.compileMs / 1000, 's', 1);
    figure(`${n} validators: genesis proof / step of 1 handoff / step of ${f.batch} (catching up)`, [f.genesisMs / 1000, f.stepMs / 1000, f.batchMs / 1000], 's', 1);
    figure(`${n} validators: proving time per epoch, in step or catching up`, [f.stepMs / 1000, f.batchMs / 1000 / f.batch], 's', 1);
    figure(`${n} validators: peak memory`, f.peakMb, 'MB');
    figure(`${n} validators: proof size (JSON)`, f.proofBytes, 'bytes');
    figure(`${n} validators: verify`, f.verifyMs, 'ms');
  }
}
