/**
 * Blocks decided elsewhere (block sync, replay): the commit certificate must finalize the block
 * under the validator set of its height and re-executing it must reproduce its header. Nodes
 * commit them through the block importer (node/services/importer.ts); `replayChain` is the bare
 * store-to-store form for recovery tests and tools.
 */
import { commitSignatureCheck, verifyCommit } from '../../consensus/commit.ts';
import { blsBatchSets, recordPreverified, type BlsCheck } from '../crypto/bls.ts';
import { blsBatchValidOffThread } from '../crypto/verify-thread.ts';
import { beaconCheck } from './beacon.ts';
import { equalBytes } from '../../protocol/encoding/bytes.ts';
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

/**
 * Checks the BLS signatures of a synced range in one batch before its blocks are applied one by
 * one (docs/p2p.md §sync): each block's commit certificate, its beacon and the previous block's
 * certificate it carries (unless it is the previous block's own), three pairing checks a block
 * done singly. It assumes the head's validator set for the whole range and stops collecting at the
 * first block whose header names another set (the sets a block is checked against are known only once the blocks before it are
 * applied). Best effort: a block it skipped, or a batch that failed, is checked singly as before.
 * The batch runs on the verify thread, so a range's check overlaps the execution of the one
 * before it (node/p2p/sync.ts). Returns how many signatures it recorded as checked (0 when the
 * batch failed).
 */
export async function preverifyRange(chain: Chain, blocks: Array<{ block: Block; commit: CommitCertificate }>): Promise<number> {
  const { set } = await chain.activeSet();
  const checks: BlsCheck[] = [];
  let previous: CommitCertificate | null = null;
  try {
    for (const { block, commit } of blocks) {
      const h = block.header;
      if (!equalBytes(h.validatorSetHash, set.hash)) break;
      checks.push(commitSignatureCheck(chain.chainId, set, commit, h.height, headerHash(h)));
      const proposer = set.indexOf(h.proposer);
      if (proposer >= 0) checks.push(beaconCheck(chain.chainId, h.height, h.beacon, set.publicKey(proposer)));
      // the certificate a block carries for its parent is often the parent's own, byte for byte: the
      // parent's check records it (a carried one that only looks the same is checked singly)
      const carried = block.lastCommit && h.height > 1n && !(previous && equalBytes(block.lastCommit.signature, previous.signature));
      if (carried) checks.push(commitSignatureCheck(chain.chainId, set, block.lastCommit!, h.height - 1n, h.prevHash));
      previous = commit;
    }
  } catch {
    // a malformed certificate: the single checks will name it; batch what came before
  }
  const sets = blsBatchSets(checks);
  if (!sets || !(await blsBatchValidOffThread(sets))) return 0;
  recordPreverified(sets);
  return sets.length;
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
