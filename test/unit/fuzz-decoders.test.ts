/**
 * Coverage-free mutation fuzzing of every decoder the node runs on untrusted bytes (issue #16):
 * each mutated input is accepted canonically or refused with a QuarryError of the surface's
 * documented codes — never another exception. `npm test` runs a smoke size; `npm run fuzz` runs
 * 100,000 inputs per surface (FUZZ_N and FUZZ_SEED override; FUZZ_ONLY=tx,block picks surfaces). Failures print the input's hex:
 * keep it in test/fuzz/corpus/<surface>/ once the decoder is fixed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSeeds } from '../fuzz/seeds.ts';
import { surfaces } from '../fuzz/surfaces.ts';
import { fuzz } from '../fuzz/runner.ts';
import { tempDir } from '../helpers/tmp.ts';

const N = Number(process.env.FUZZ_N ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const ONLY = process.env.FUZZ_ONLY?.split(',');

test(`${N} mutated inputs per decoder: canonical acceptance or a documented QuarryError`, { timeout: 24 * 3600_000 }, async (t) => {
  const dir = tempDir('quarry-fuzz-');
  try {
    const all = surfaces(await buildSeeds(), dir.path);
    for (const [i, s] of all.entries()) {
      await t.test(s.name, { skip: ONLY !== undefined && !ONLY.includes(s.name) }, async () => {
        const started = process.hrtime.bigint();
        const stats = await fuzz(s, N, SEED + i);
        const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
        console.log(`fuzz ${s.name}: ${stats.runs} inputs, ${stats.accepted} accepted, ${Object.keys(stats.codes).length} codes ${JSON.stringify(stats.codes)} in ${ms} ms`);
        assert.ok(stats.accepted >= s.seeds.length, 'every seed is accepted');
        if (N > 0) assert.ok(Object.keys(stats.codes).length > 0, 'mutations are refused');
      });
    }
  } finally {
    dir.cleanup();
  }
});
