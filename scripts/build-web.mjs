#!/usr/bin/env node
// Bundles the verified explorer (web/explorer.ts, docs/explorer.md) into dist/web/ with esbuild
// for browsers. The light client shares its checks with the node, so the few node-only modules in
// its import graph are substituted by browser versions with the same exports (web/browser/):
// blst → @noble/curves BLS, node:crypto ed25519 and SHA-256 → noble, the verifier's file cache →
// none, node:fs → throwing stubs. o1js resolves to its web build (a lazily loaded chunk). The node
// serves dist/web at /explorer. Runs on `npm install` / `npm ci` (prepare) and `npm run build:web`.
import { copyFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const esbuild = await import('esbuild').catch(() => null);
if (!esbuild) {
  process.stdout.write('web: esbuild is not installed; the node serves no explorer\n');
  process.exit(0);
}

/** Node module (path from the root) → its browser version. */
const SUBSTITUTES = {
  'node/crypto/bls.ts': 'web/browser/bls.ts',
  'node/crypto/ed25519.ts': 'web/browser/ed25519.ts',
  'node/crypto/hash.ts': 'protocol/crypto/hash.ts',
  'consensus/epoch/verifier-cache.ts': 'web/browser/verifier-cache.ts',
};
const browserSubstitutes = {
  name: 'browser-substitutes',
  setup(build) {
    build.onResolve({ filter: /^node:fs$/ }, () => ({ path: join(root, 'web/browser/no-fs.ts') }));
    build.onResolve({ filter: /\.ts$/ }, (args) => {
      if (!args.importer) return undefined;
      const target = SUBSTITUTES[relative(root, join(args.resolveDir, args.path))];
      return target && relative(root, args.importer) !== target ? { path: join(root, target) } : undefined;
    });
  },
};

const out = join(root, 'dist', 'web');
rmSync(out, { recursive: true, force: true });
await esbuild.build({
  entryPoints: [join(root, 'web', 'explorer.ts')],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outdir: out,
  chunkNames: 'chunk-[hash]', // immutable: the node serves them with a long cache lifetime
  minify: true,
  define: { 'process.env.NODE_DEBUG': 'false' },
  plugins: [browserSubstitutes],
  logLevel: 'warning',
});
copyFileSync(join(root, 'web', 'index.html'), join(out, 'index.html'));
process.stdout.write(`web: built the explorer into ${relative(root, out)}\n`);
