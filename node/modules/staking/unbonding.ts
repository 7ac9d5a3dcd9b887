/** Unbonding entries: created by undelegation, matured at endBlock, slashed for earlier faults. */
import type { Overlay } from '../../state/view.ts';
import { transfer } from '../bank/account.ts';
import { BONDED_POOL, queueKey, UNBONDING_POOL, unbondingQueue, type UnbondingEntry } from './state.ts';

export async function enqueueUnbonding(state: Overlay, completeAt: bigint, entry: UnbondingEntry): Promise<void> {
  await transfer(state, BONDED_POOL, UNBONDING_POOL, entry.balance);
  const queue = (await unbondingQueue.get(state, queueKey(completeAt)))?.entries ?? [];
  unbondingQueue.put(state, queueKey(completeAt), { entries: [...queue, entry] });
}

/** The record `matureUnbondings` reads at `height` (prefetched with the block's other due records). */
export const unbondingDueKey = (height: bigint): Uint8Array => unbondingQueue.key(queueKey(height));

/** Pays out the entries that mature at `height`. */
export async function matureUnbondings(state: Overlay, height: bigint): Promise<UnbondingEntry[]> {
  const queue = (await unbondingQueue.get(state, queueKey(height)))?.entries ?? [];
  for (const e of queue) if (e.balance > 0n) await transfer(state, UNBONDING_POOL, e.delegator, e.balance);
  if (queue.length > 0) unbondingQueue.remove(state, queueKey(height));
  return queue;
}
