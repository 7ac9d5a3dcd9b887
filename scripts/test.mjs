#!/usr/bin/env node
// Runs the test suite with node's test runner: every test/**/*.test.ts(x), or the files/dirs given.
// Node 20 does not expand globs itself, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(path) {
  if (statSync(path).isFile()) return /\.test\.tsx?$/.test(path) ? [path] : [];
  return readdirSync(path).sort().flatMap((name) => collect(join(path, name)));
}

const args = process.argv.slice(2);
const files = (args.length ? args : ['test']).flatMap(collect);
const res = spawnSync(process.execPath, ['--import', './bin/polyfill.mjs', '--import', 'tsx', '--test', '--test-force-exit', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
