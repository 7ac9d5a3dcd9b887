#!/usr/bin/env node
// Bundles the CLI (node/cli/main.ts and the modules it loads, packages left external) into
// dist/cli/ with esbuild, so short commands start without the TypeScript loader (tsx alone costs
// ≈ 0.4–0.6 s of CPU per start). bin/quarry.mjs uses the bundle for help, version, `query` and
// `keys` while every source it was built from is unchanged, and tsx otherwise. Runs on
// `npm install` / `npm ci` (prepare) and with `npm run build:cli`.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// esbuild is a development dependency: an install without it keeps the CLI on tsx
const esbuild = await import('esbuild').catch(() => null);
if (!esbuild) {
  process.stdout.write('cli: esbuild is not installed; the CLI runs through tsx\n');
  process.exit(0);
}
const out = join(root, 'dist', 'cli');
rmSync(out, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: [join(root, 'node', 'cli', 'main.ts')],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: out,
  outExtension: { '.js': '.mjs' },
  packages: 'external',
  metafile: true,
  logLevel: 'warning',
});
// what the bundle was built from: bin/quarry.mjs falls back to tsx once any of these changes
const inputs = Object.keys(result.metafile.inputs).map((f) => relative(root, join(process.cwd(), f)));
writeFileSync(join(out, 'inputs.json'), JSON.stringify({ builtAt: Date.now(), inputs }) + '\n');
process.stdout.write(`cli: bundled ${inputs.length} modules into ${relative(root, out)}\n`);
