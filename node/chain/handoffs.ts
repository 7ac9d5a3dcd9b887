/**
 * Checks a block's handoff signatures before execution (docs/epochs.md §handoff): each must verify
 * against the signer's recorded Pallas key over the handoff message of its boundary block. A
 * proposer drops the ones that fail; a validator refuses a block that carries one.
 */
import { QuarryError } from '../../protocol/errors.ts';
import { verifyHandoff, type BoundaryHeader, type HandoffSignature } from '../modules/epoch/handoff.ts';
import type { ChainHistory } from './history.ts';

/** Looks up a committed boundary block's header hash and state root. */
export function boundaryOf(chain: ChainHistory): (height: bigint) => Promise<BoundaryHeader> {
  return async (height) => {
    const found = await chain.getBlock(height);
    if (!found) throw new QuarryError('E_NOT_FOUND', `boundary block ${height} is not committed`);
    return { hash: found.hash, stateRoot: found.block.header.stateRoot };
  };
}

export async function checkHandoffs(chain: ChainHistory, items: readonly HandoffSignature[], mode: 'build' | 'verify'): Promise<HandoffSignature[]> {
  const out: HandoffSignature[] = [];
  const seen = new Set<string>();
  const boundary = boundaryOf(chain);
  for (const h of items) {
    const id = `${h.epoch}/${h.index}`;
    try {
      if (seen.has(id)) throw new QuarryError('E_DUPLICATE', 'the same validator signs twice in one block');
      await verifyHandoff(chain.latestState, h, boundary);
      seen.add(id);
      out.push(h);
    } catch (err) {
      if (mode === 'verify') throw new QuarryError('E_BAD_BLOCK', `invalid handoff signature (epoch ${h.epoch}, validator ${h.index}): ${(err as Error).message}`);
    }
  }
  return out;
}
