/** Chain-wide parameters, set in genesis and kept in state so the state root commits to them. */
import { struct, u64, type Infer } from '../../protocol/encoding/schema.ts';
import { NO_ID, record } from '../state/record.ts';
import type { StateReader } from '../state/view.ts';

export const chainParamsSchema = struct({
  /** uqry per unit of (transaction bytes + message weights). */
  minFeeRate: u64,
  maxTxBytes: u64,
  maxBlockBytes: u64,
  maxBlockTxs: u64,
  /**
   * Cap on the summed weight (bytes + message weights, what fees are charged on) of a block's
   * transactions: it bounds the work of executing a block, which bytes alone do not (4 MiB of
   * multi-send outputs is ~120,000 state writes, seconds of a validator's event loop).
   */
  maxBlockWeight: u64,
  /** New uqry minted to the proposer of each block. */
  blockReward: u64,
  /** Blocks per epoch (validator-set changes and puzzle challenges happen at epoch boundaries). */
  epochLength: u64,
});
export type ChainParams = Infer<typeof chainParamsSchema>;

export const DEFAULT_CHAIN_PARAMS: ChainParams = {
  minFeeRate: 1n,
  maxTxBytes: 64n * 1024n,
  // a proposal (block + header + signature) must cross libp2p's 4 MiB gossip and stream buffers
  maxBlockBytes: 2n * 1024n * 1024n,
  maxBlockTxs: 5000n,
  // about 2,800 transfers or 9,000 multi-send outputs: ≈ 2.5 s of execution on a 2-core machine
  maxBlockWeight: 1_000_000n,
  blockReward: 1_000_000n,
  epochLength: 100n,
};

export const chainParams = record('params/chain', chainParamsSchema);

export async function getChainParams(state: StateReader): Promise<ChainParams> {
  const p = await chainParams.get(state, NO_ID);
  if (!p) throw new Error('chain parameters missing from state');
  return p;
}

export function epochOf(height: bigint, params: ChainParams): bigint {
  return height === 0n ? 0n : (height - 1n) / params.epochLength;
}
