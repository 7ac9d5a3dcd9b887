/**
 * Short commands start from the esbuild bundle (scripts/build-cli.mjs, bin/quarry.mjs) instead of
 * through the TypeScript loader (issue #14: `--help` and `query` under 0.5 s of CPU). The bundle
 * must behave exactly like the sources: the same output and exit code for help, version, `query`
 * and `keys` commands, including their errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runQuarry } from '../helpers/proc.ts';
import { tempDir } from '../helpers/tmp.ts';

const ROOT = join(import.meta.dirname, '..', '..');

test('help, version, query and keys answer the same from the bundle as from the sources', { timeout: 120_000 }, async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')]);
  assert.ok(existsSync(join(ROOT, 'dist', 'cli', 'main.mjs')), 'the bundle was built');
  const dir = tempDir();
  try {
    const cases = [
      ['--help'],
      ['--version'],
      ['query', '--help'],
      ['query', 'validators', '--rpc', 'http://127.0.0.1:9'],
      ['query', 'account', 'qry1nope', '--rpc', 'http://127.0.0.1:9'],
      ['--home', dir.path, 'keys', 'list'],
      ['keys', 'add'],
    ];
    for (const args of cases) {
      const bundled = await runQuarry(args);
      const sources = await runQuarry(args, { QUARRY_CLI_TSX: '1' });
      assert.deepEqual(bundled, sources, `quarry ${args.join(' ')}`);
    }
  } finally {
    dir.cleanup();
  }
});
