/**
 * QUARRY_CPU_PROFILE=<dir> (bin/cpu-profile.mjs): every quarry process writes its CPU profile
 * there at exit, the way the #17 profiles of a loaded devnet were taken; without it, nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runQuarry } from '../helpers/proc.ts';
import { tempDir } from '../helpers/tmp.ts';

test('QUARRY_CPU_PROFILE writes one loadable CPU profile per process, and nothing without it', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  try {
    const out = join(dir.path, 'profiles');
    const run = await runQuarry(['--version'], { QUARRY_CPU_PROFILE: out });
    assert.equal(run.code, 0);
    const files = readdirSync(out);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^\d+---version\.cpuprofile$/);
    const profile = JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as { nodes: unknown[]; samples: number[]; timeDeltas: number[] };
    assert.ok(profile.nodes.length > 0 && profile.samples.length === profile.timeDeltas.length);
    await runQuarry(['--version']);
    assert.equal(readdirSync(out).length, 1, 'a run without the variable writes nothing');
  } finally {
    dir.cleanup();
  }
});
