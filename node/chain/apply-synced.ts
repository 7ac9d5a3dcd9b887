/**
 * Blocks decided elsewhere (block sync, replay): the commit certificate must finalize the block
 * under the validator set of its height and re-executing it must reproduce its header. Nodes
 * commit them through the block importer (node/services/importer.ts); `replayChain` is the bare
 * store-to-store form for recovery tests and tools.
 */
import { verifyCommit } from '../../consensus/commit.ts';
import type { CommitCertificate } from '../../consensus/messages.ts';
import { headerHash, type Block } from '../types/block.ts';
import type { Candidate, Chain } from './chain.ts';
import type { BlockBuilder, KnownTxs } from './block-builder.ts';

export async function verifySynced(builder: BlockBuilder, block: Block, commit: CommitCertificate, known?: KnownTxs): Promise<Candidate> {
  const { chain } = builder;
  const { set } = await chain.activeSet();
  verifyCommit(chain.chainId, set, commit, block.header.height, headerHash(block.header));
  return builder.verifyBlock(block, known);
}

/** Re-applies blocks 1..upTo of `source` onto `target` (a fresh store of the same genesis). */
export async function replayChain(source: Chain, target: BlockBuilder, upTo: bigint): Promise<void> {
  for (let h = target.chain.head.height + 1n; h <= upTo; h++) {
    const found = await source.getBlock(h);
    const commit = await source.getCommit(h);
    if (!found || !commit) throw new Error(`source lacks block or commit ${h}`);
    await target.chain.commit(await verifySynced(target, found.block, commit), commit);
  }
}
