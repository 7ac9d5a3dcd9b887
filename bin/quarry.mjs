#!/usr/bin/env node
// Entry point. Short commands (help, version, `query`, `keys`) run the esbuild bundle in
// dist/cli (scripts/build-cli.mjs) while every source it was built from is unchanged: they start
// in a fraction of the time the TypeScript loader takes. Everything else, and any command after a
// source changed, registers tsx and runs the sources (as does QUARRY_CLI_TSX=1).
import './polyfill.mjs';
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const FAST = new Set(['query', 'keys']);

/** The first word that is not an option or an option's value (`--home DIR`, `--rpc URL`). */
function commandOf(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--home' || args[i] === '--rpc') i++;
    else if (!args[i].startsWith('-')) return args[i];
  }
  return null;
}

function bundleFresh() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8'));
    return inputs.every((f) => statSync(new URL(f, root)).mtimeMs <= builtAt);
  } catch {
    return false; // not built, or a source is gone
  }
}

if (process.env.QUARRY_CPU_PROFILE) await import('./cpu-profile.mjs');

const command = commandOf(process.argv.slice(2));
if ((command === null || FAST.has(command)) && !process.env.QUARRY_CLI_TSX && bundleFresh()) {
  await import('../dist/cli/main.mjs');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../node/cli/main.ts');
}
