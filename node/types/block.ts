/**
 * Blocks and headers (docs/encoding.md §blocks). The header commits to everything: transactions,
 * solutions, evidence and epoch handoff signatures by Merkle root, the state after the block, this and the next validator
 * set, the epoch and puzzle targets in force, the proposer's beacon signature, and the previous block's commit.
 */
import { array, bytes, nullable, struct, text, u64, type Infer } from '../../protocol/encoding/schema.ts';
import { decodeAs, encode } from '../../protocol/encoding/cbor.ts';
import { taggedHash, ZERO_HASH } from '../crypto/hash.ts';
import { commitSchema, type CommitCertificate } from '../../consensus/messages.ts';
import { CHAIN_ID_PATTERN, TX_DECODE_CAP } from '../../protocol/tx.ts';
import { SOLUTION_MAX_BYTES } from '../../puzzle/solution.ts';
import { HANDOFF_MAX_BYTES, MAX_BLOCK_HANDOFFS } from '../modules/epoch/handoff.ts';
import { BEACON_BYTES } from '../chain/beacon.ts';

/** Hard cap on solutions per block; the puzzle parameter maxSolutionsPerBlock may be lower. */
export const MAX_BLOCK_SOLUTIONS = 256;
export const EVIDENCE_MAX_BYTES = 1024;
export const MAX_BLOCK_EVIDENCE = 64;

const hash32 = bytes({ len: 32 });

export const headerSchema = struct({
  chainId: text(49, CHAIN_ID_PATTERN),
  height: u64,
  /** Proposer's clock in ms since the Unix epoch; strictly increasing. */
  time: u64,
  prevHash: hash32,
  txRoot: hash32,
  solutionsRoot: hash32,
  evidenceRoot: hash32,
  handoffsRoot: hash32,
  stateRoot: hash32,
  validatorSetHash: hash32,
  nextValidatorSetHash: hash32,
  epoch: u64,
  coinbaseTarget: u64,
  proofTarget: u64,
  proposer: bytes({ len: 20 }),
  /** The proposer's BLS signature over `quarry/beacon ‖ chainId ‖ height` (docs/consensus.md §beacon). */
  beacon: bytes({ len: BEACON_BYTES }),
  lastCommitHash: hash32,
});
export type Header = Infer<typeof headerSchema>;

export const MAX_BLOCK_TXS = 10_000;
export const BLOCK_DECODE_CAP = 8 * 1024 * 1024;

export const blockSchema = struct({
  header: headerSchema,
  txs: array(bytes({ max: TX_DECODE_CAP }), MAX_BLOCK_TXS),
  solutions: array(bytes({ max: SOLUTION_MAX_BYTES }), MAX_BLOCK_SOLUTIONS),
  evidence: array(bytes({ max: EVIDENCE_MAX_BYTES }), MAX_BLOCK_EVIDENCE),
  handoffs: array(bytes({ max: HANDOFF_MAX_BYTES }), MAX_BLOCK_HANDOFFS),
  lastCommit: nullable(commitSchema),
});
export type Block = Infer<typeof blockSchema>;

export function headerHash(header: Header): Uint8Array {
  return taggedHash('quarry/header', encode(header));
}

export function commitHash(commit: CommitCertificate | null): Uint8Array {
  return commit ? taggedHash('quarry/commit', encode(commit)) : ZERO_HASH;
}

export function encodeBlock(block: Block): Uint8Array {
  return encode(block);
}

export function decodeBlock(bytes: Uint8Array): Block {
  return decodeAs(blockSchema, bytes, BLOCK_DECODE_CAP);
}
