/**
 * What nodes say to each other (docs/p2p.md): gossip payloads and request/response bodies, all
 * canonical CBOR decoded strictly with size caps.
 */
import { array, bytes, literal, nullable, struct, u64, uint, variant, type Infer, type Schema } from '../../protocol/encoding/schema.ts';
import { proposalSchema, voteSchema, type Proposal, type Vote } from '../../consensus/messages.ts';
import { BLOCK_DECODE_CAP } from '../types/block.ts';
import { TX_DECODE_CAP } from '../../protocol/tx.ts';

export type ConsensusGossip = { type: 'proposal'; proposal: Proposal; block: Uint8Array } | { type: 'vote'; vote: Vote };
export const consensusGossipSchema: Schema<ConsensusGossip> = variant<ConsensusGossip>({
  proposal: struct({ type: literal('proposal'), proposal: proposalSchema, block: bytes({ max: BLOCK_DECODE_CAP }) }),
  vote: struct({ type: literal('vote'), vote: voteSchema }),
});

/**
 * Transactions travel in batches (docs/p2p.md §transaction gossip): one gossip message per flush
 * of a node's newly submitted transactions, in submission order, instead of one per transaction.
 */
export const MAX_GOSSIP_BATCH_TXS = 512;
export const GOSSIP_BATCH_MAX_BYTES = 1024 * 1024;
export const txBatchSchema = array(bytes({ max: TX_DECODE_CAP }), MAX_GOSSIP_BATCH_TXS, 1);

export const statusSchema = struct({ genesisHash: bytes({ len: 32 }), height: u64, hash: bytes({ len: 32 }) });
export type Status = Infer<typeof statusSchema>;

export const MAX_BLOCKS_PER_REQUEST = 100;
export const blocksRequestSchema = struct({ from: u64, count: uint(MAX_BLOCKS_PER_REQUEST) });
export type BlocksRequest = Infer<typeof blocksRequestSchema>;
export const blocksResponseSchema = struct({ blocks: array(struct({ block: bytes({ max: BLOCK_DECODE_CAP }), commit: bytes({ max: 4096 }) }), MAX_BLOCKS_PER_REQUEST) });
export type BlocksResponse = Infer<typeof blocksResponseSchema>;

export const votesRequestSchema = struct({ height: u64 });
export const votesResponseSchema = struct({
  proposals: array(struct({ proposal: proposalSchema, block: bytes({ max: BLOCK_DECODE_CAP }) }), 16),
  votes: array(voteSchema, 4096),
});
export type VotesResponse = Infer<typeof votesResponseSchema>;

export const artifactRequestSchema = struct({ hash: bytes({ len: 32 }) });
export const artifactResponseSchema = struct({ bytes: nullable(bytes({ max: 48 * 1024 * 1024 })) });

/** An epoch proof by epoch (null: the latest); the answer is its stored JSON (docs/epochs.md §serving). */
export const epochProofRequestSchema = struct({ epoch: nullable(u64) });
export const EPOCH_PROOF_MAX_BYTES = 1024 * 1024;
export const epochProofResponseSchema = struct({ json: nullable(bytes({ max: EPOCH_PROOF_MAX_BYTES })) });
