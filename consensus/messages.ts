/**
 * Consensus messages and what validators sign (docs/consensus.md §messages). Every signature is
 * BLS over `"quarry/<kind>/v1"`-tagged canonical CBOR that binds the chain id, so a vote cannot be
 * replayed on another chain, height, round or step.
 */
import { encode } from '../protocol/encoding/cbor.ts';
import { tagPrefix } from '../node/crypto/hash.ts';
import { concatBytes } from '../protocol/encoding/bytes.ts';
import { bytes, literal, nullable, struct, u64, uint, variant, type Infer, type Schema } from '../protocol/encoding/schema.ts';

export const MAX_ROUND = 1_000_000;
export type VoteType = 'prevote' | 'precommit';

const voteFields = {
  height: u64,
  round: uint(MAX_ROUND),
  blockHash: nullable(bytes({ len: 32 })),
  validatorIndex: uint(65_535),
  signature: bytes({ len: 96 }),
};
export const voteSchema: Schema<Vote> = variant<Vote>({
  prevote: struct({ type: literal('prevote'), ...voteFields }),
  precommit: struct({ type: literal('precommit'), ...voteFields }),
});
export interface Vote {
  type: VoteType;
  height: bigint;
  round: number;
  blockHash: Uint8Array | null; // null = nil vote
  validatorIndex: number;
  signature: Uint8Array;
}
export type UnsignedVote = Omit<Vote, 'signature'>;

export const proposalSchema = struct({
  height: u64,
  round: uint(MAX_ROUND),
  /** Round of the proof-of-lock for a re-proposed value; -1 is encoded as null. */
  polRound: nullable(uint(MAX_ROUND)),
  blockHash: bytes({ len: 32 }),
  proposerIndex: uint(65_535),
  signature: bytes({ len: 96 }),
});
export type Proposal = Infer<typeof proposalSchema>;
export type UnsignedProposal = Omit<Proposal, 'signature'>;

export const commitSchema = struct({
  height: u64,
  round: uint(MAX_ROUND),
  blockHash: bytes({ len: 32 }),
  /** Bit i (LSB-first within each byte) set when validator i signed. */
  signers: bytes({ max: 32 }),
  signature: bytes({ len: 96 }),
});
export type CommitCertificate = Infer<typeof commitSchema>;

export function voteSignBytes(chainId: string, v: UnsignedVote): Uint8Array {
  return concatBytes(tagPrefix(`quarry/${v.type}/v1`), encode({ chainId, height: v.height, round: v.round, blockHash: v.blockHash }));
}

export function proposalSignBytes(chainId: string, p: UnsignedProposal): Uint8Array {
  return concatBytes(tagPrefix('quarry/proposal/v1'), encode({ chainId, height: p.height, round: p.round, polRound: p.polRound, blockHash: p.blockHash }));
}
