/**
 * Layers import downwards only (issue: node ↔ rpc ↔ p2p, chain ↔ evidence, cmd-tx ↔ cmd-market
 * were circles): the project's relative-import graph has no circles.
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
