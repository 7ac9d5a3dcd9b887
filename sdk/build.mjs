#!/usr/bin/env node
// Builds the SDK package (sdk/dist): tsc compiles client/ and protocol/ to JavaScript with .d.ts
// (rewriting relative .ts imports to .js), then the declarations' own relative `.ts` specifiers,
// which tsc leaves as written, are rewritten too so a NodeNext TypeScript project resolves them.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const here = dirname(new URL(import.meta.url).pathname);
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });

const walk = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
let files = 0;
for (const file of walk(dist).filter((f) => f.endsWith('.d.ts'))) {
  const src = readFileSync(file, 'utf8');
  const out = src.replace(/((?:from |import\()\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3');
  if (out !== src) writeFileSync(file, out);
  files++;
}
process.stdout.write(`sdk: built ${files} modules into ${dist}\n`);
