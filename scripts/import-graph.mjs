#!/usr/bin/env node
// Prints the project's import circles (strongly connected components of the relative-import graph
// of its .ts/.tsx files, type-only imports included) and exits 1 when there are any.
// `--json` prints {cycles: [[file, ...], ...]} for tests.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOTS = ['node', 'consensus', 'puzzle', 'client', 'tui', 'genesis', 'circuits', 'protocol', 'miner', 'light', 'web'];
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

export function importGraph() {
  const graph = new Map();
  for (const file of ROOTS.flatMap((r) => files(join(root, r)))) {
    const src = readFileSync(file, 'utf8');
    const deps = new Set();
    for (const m of src.matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1] ?? m[2]);
      if (/\.tsx?$/.test(target)) deps.add(relative(root, target));
    }
    graph.set(relative(root, file), [...deps]);
  }
  return graph;
}

/** Tarjan's strongly connected components of size > 1 (and self-loops). */
export function cycles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const found = cycles(importGraph());
  if (process.argv.includes('--json')) console.log(JSON.stringify({ cycles: found }));
  else if (found.length === 0) console.log('no import circles');
  else for (const c of found) console.log(`circle (${c.length} files): ${c.join(' ')}`);
  process.exit(found.length === 0 ? 0 : 1);
}
