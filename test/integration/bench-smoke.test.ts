/**
 * `npm run bench -- --smoke` runs every benchmark at tiny sizes: a benchmark that no longer runs
 * (an API it uses changed, a genesis it builds is refused, a figure comes out NaN) fails here, in
 * `npm test`, rather than on the next full run. The figures themselves are not checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BENCHMARKS = ['chain', 'puzzle', 'consensus', 'market', 'epochs'];
/** `  <label> <value>[ / <value>…] <unit>`, as bench/util.ts `figure` prints it. */
const FIGURE = /^ {2,}\S.* -?[\d,]+(\.\d+)?( \/ -?[\d,]+(\.\d+)?)* \S+$/;

function runSmoke(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', './bin/polyfill.mjs', '--import', 'tsx', 'bench/run.ts', '--smoke'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('every benchmark runs in smoke mode and prints its figures with units', { timeout: 20 * 60_000 }, async (t) => {
  const { code, stdout, stderr } = await runSmoke();
  assert.equal(code, 0, `bench --smoke failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`);
  for (const name of BENCHMARKS) {
    const done = new RegExp(`^done ${name}: (\\d+) figures`, 'm').exec(stdout);
    assert.ok(done, `no "done ${name}" line:\n${stdout}`);
    assert.ok(Number(done[1]) > 0, `${name} printed no figure`);
  }
  const lines = stdout.split('\n').filter((l) => l.startsWith('  ') && !l.startsWith('  ('));
  const printed = [...stdout.matchAll(/^done \S+: (\d+) figures/gm)].reduce((n, m) => n + Number(m[1]), 0);
  assert.equal(lines.length, printed, 'every indented line is a counted figure');
  for (const l of lines) assert.match(l, FIGURE, 'a figure line carries its value and unit');
  for (const m of stdout.matchAll(/^done .*$/gm)) t.diagnostic(m[0]);
});
