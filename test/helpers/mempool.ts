/** A mempool over a test chain, and a way to read a submission's outcome as its code. */
import assert from 'node:assert/strict';
import { Mempool, type MempoolChainView, type MempoolConfig } from '../../node/mempool/mempool.ts';
import { getChainParams } from '../../node/modules/chain-params.ts';
import { QuarryError } from '../../protocol/errors.ts';
import type { TestChain } from './chain.ts';

/** `view` replaces parts of the chain view (a test that needs a block to land mid-read). */
export function poolFor(t: TestChain, config: Partial<MempoolConfig> = {}, view: Partial<MempoolChainView> = {}): Mempool {
  return new Mempool(
    { chainId: t.chain.chainId, nextHeight: () => t.chain.head.height + 1n, params: () => getChainParams(t.chain.latestState), state: () => t.chain.latestState, ...view },
    { maxTxs: 100, maxBytes: 1 << 20, maxPerSender: 5, rbfBumpPercent: 10, ttlBlocks: 600, ...config },
  );
}

/** 'accepted', or the QuarryError code the promise rejected with (anything else fails the test). */
export async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof QuarryError, String(err));
    return err.code;
  }
  return 'accepted';
}
