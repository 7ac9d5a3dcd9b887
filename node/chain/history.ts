/**
 * What checks against committed history need from the chain store (evidence, handoff
 * signatures, solution admission): read-only, so those checks do not depend on the store itself.
 */
import type { ValidatorSet } from '../../consensus/validator-set.ts';
import type { StateReader } from '../state/view.ts';
import type { Block } from '../types/block.ts';

export interface Head {
  height: bigint;
  hash: Uint8Array;
  time: bigint;
}

export interface ChainHistory {
  readonly chainId: string;
  readonly head: Head;
  /** Latest committed state. */
  readonly latestState: StateReader;
  getBlock(height: bigint): Promise<{ block: Block; hash: Uint8Array } | undefined>;
  validatorSetByHash(hash: Uint8Array): Promise<ValidatorSet>;
}
