/** Config validation: the RPC caps must be positive integers, the proposal budget a percentage (README §Configuration). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, loadConfig } from '../../node/config.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { tempDir } from '../helpers/tmp.ts';

test('rpc caps: defaults, overrides, and values that are not positive integers are E_CONFIG', () => {
  const dir = tempDir();
  try {
    assert.deepEqual(loadConfig(dir.path).rpc, DEFAULT_CONFIG.rpc);
    assert.equal(DEFAULT_CONFIG.rpc.maxSubscribers, 100);
    writeFileSync(join(dir.path, 'config.json'), JSON.stringify({ rpc: { maxSubscribers: 7, maxStagedArtifacts: 2 } }));
    const rpc = loadConfig(dir.path).rpc;
    assert.equal(rpc.maxSubscribers, 7);
    assert.equal(rpc.maxStagedArtifacts, 2);
    assert.equal(rpc.maxStagedArtifactBytes, DEFAULT_CONFIG.rpc.maxStagedArtifactBytes);
    for (const [key, value] of [['maxSubscribers', 0], ['maxSubscribers', 1.5], ['maxStagedArtifacts', -1], ['maxStagedArtifactBytes', 0], ['maxBodyBytes', 0], ['maxSubscribers', '10']] as const) {
      writeFileSync(join(dir.path, 'config.json'), JSON.stringify({ rpc: { [key]: value } }));
      assert.throws(() => loadConfig(dir.path), (e: unknown) => e instanceof QuarryError && e.code === 'E_CONFIG' && e.message.includes(`rpc.${key}`), `${key}: ${value}`);
    }
  } finally {
    dir.cleanup();
  }
});

test('consensus.proposalBudgetPercent: 40 by default, 1–100 accepted, anything else E_CONFIG', () => {
  const dir = tempDir();
  try {
    assert.equal(loadConfig(dir.path).consensus.proposalBudgetPercent, 40);
    writeFileSync(join(dir.path, 'config.json'), JSON.stringify({ consensus: { proposalBudgetPercent: 25 } }));
    assert.equal(loadConfig(dir.path).consensus.proposalBudgetPercent, 25);
    for (const value of [0, 101, 12.5, -5]) {
      writeFileSync(join(dir.path, 'config.json'), JSON.stringify({ consensus: { proposalBudgetPercent: value } }));
      assert.throws(() => loadConfig(dir.path), (e: unknown) => e instanceof QuarryError && e.code === 'E_CONFIG' && e.message.includes('consensus.proposalBudgetPercent'), `${value}`);
    }
  } finally {
    dir.cleanup();
  }
});
