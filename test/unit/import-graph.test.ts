/**
 * Layers import downwards only (issue: node ↔ rpc ↔ p2p, chain ↔ evidence, cmd-tx ↔ cmd-market
 * were circles): the project's relative-import graph has no circles, and the SDK (client/) reaches
 * nothing but the protocol layer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error: a plain .mjs script without types
import { cycles, importGraph } from '../../scripts/import-graph.mjs';

test('no import circles among the project sources', () => {
  const graph = importGraph() as Map<string, string[]>;
  assert.ok(graph.size > 100, `the graph covers the sources (${graph.size} files)`);
  assert.deepEqual(cycles(graph), []);
});

/** What each shared layer may import (docs/design.md): the SDK is protocol + client, nothing of the node. */
const ALLOWED: Record<string, string[]> = {
  'protocol/': ['protocol/'],
  'client/': ['client/', 'protocol/'],
};

test('the protocol layer and the SDK import only downwards', () => {
  const graph = importGraph() as Map<string, string[]>;
  const offending: string[] = [];
  for (const [file, deps] of graph) {
    const layer = Object.keys(ALLOWED).find((l) => file.startsWith(l));
    if (!layer) continue;
    for (const dep of deps) if (!ALLOWED[layer]!.some((ok) => dep.startsWith(ok))) offending.push(`${file} -> ${dep}`);
  }
  assert.deepEqual(offending, []);
  assert.ok([...graph.keys()].some((f) => f.startsWith('protocol/')), 'the protocol layer exists');
});
