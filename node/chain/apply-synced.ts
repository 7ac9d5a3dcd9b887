/**
 * Applying a block that was decided elsewhere (block sync, replay): its commit certificate must
 * finalize it under the validator set of its height and re-executing it must reproduce its header.
 * Then it is committed like any other block.
 */
import { verifyCommit } from '../../consensus/commit.ts';
import type { CommitCertificate } from '../../consensus/messages.ts';
import { headerHash, type Block } from '../types/block.ts';
import type { Chain } from './chain.ts';

export async function applySyncedBlock(chain: Chain, block: Block, commit: CommitCertificate): Promise<void> {
  const { set } = await chain.activeSet();
  verifyCommit(chain.chainId, set, commit, block.header.height, headerHash(block.header));
  const candidate = await chain.verifyBlock(block);
  await chain.commit(candidate, commit);
}

/** Re-applies blocks 1..upTo of `source` onto `target` (a fresh store of the same genesis). */
export async function replayChain(source: Chain, target: Chain, upTo: bigint): Promise<void> {
  for (let h = target.head.height + 1n; h <= upTo; h++) {
    const found = await source.getBlock(h);
    const commit = await source.getCommit(h);
    if (!found || !commit) throw new Error(`source lacks block or commit ${h}`);
    await applySyncedBlock(target, found.block, commit);
  }
}
