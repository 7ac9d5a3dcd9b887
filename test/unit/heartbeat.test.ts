/**
 * Progress while the main thread is blocked (node/util/heartbeat.ts): the epoch prover's o1js
 * steps hold the event loop for minutes, so a main-thread timer printed nothing for 9 minutes.
 * The heartbeat's worker writes its lines anyway, in the process's log format, and stops with
 * the step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withHeartbeat } from '../../node/util/heartbeat.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Blocks this thread as a synchronous wasm computation does. */
const block = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

for (const format of ['json', 'compact'] as const) {
  test(`heartbeat lines (${format}) appear while the main thread is blocked, and stop after the step`, { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = join(dir.path, 'out.log');
    const fd = openSync(file, 'w');
    try {
      await withHeartbeat({ what: 'compiling', format, name: 'epoch-prover', everyMs: 200, fd }, async () => {
        await new Promise((r) => setTimeout(r, 1_500)); // the worker starts (it loads TypeScript)
        const before = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
        block(1_200); // no timer of this thread can fire now
        const during = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
        assert.ok(during >= before + 3, `lines written while blocked: ${during - before}`);
      });
      const after = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, after.length, 'no line after the step ended');
      const last = after.at(-1)!;
      if (format === 'json') assert.deepEqual([JSON.parse(last).msg, JSON.parse(last).node, typeof JSON.parse(last).elapsedS], ['still compiling', 'epoch-prover', 'number']);
      else assert.match(last, /^\d\d:\d\d:\d\d\.\d{3} INFO  still compiling node=epoch-prover elapsedS=\d+$/);
    } finally {
      closeSync(fd);
      dir.cleanup();
    }
  });
}
