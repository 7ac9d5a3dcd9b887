/**
 * Slashing (docs/staking.md §slashing): burn a share of a validator's bonded tokens and of the
 * unbonding entries that left it after the fault, so unbonding right after misbehaving does not
 * escape the penalty. Double signing also tombstones; downtime jails for a while.
 */
import type { Overlay } from '../../state/view.ts';
import { burn } from '../bank/account.ts';
import { equalBytes } from '../../../protocol/encoding/bytes.ts';
import { BONDED_POOL, PPM, putValidator, queueKey, requireValidator, UNBONDING_POOL, unbondingQueue, type StakingParams } from './state.ts';

export async function slash(state: Overlay, params: StakingParams, operator: Uint8Array, infractionHeight: bigint, height: bigint, ppm: bigint): Promise<bigint> {
  const v = await requireValidator(state, operator);
  const amount = (v.tokens * ppm) / PPM;
  if (amount > 0n) await burn(state, BONDED_POOL, amount);
  putValidator(state, operator, { ...v, tokens: v.tokens - amount });
  let total = amount;
  for (let h = height + 1n; h <= height + params.unbondingBlocks; h++) {
    const queue = await unbondingQueue.get(state, queueKey(h));
    if (!queue) continue;
    let changed = false;
    const entries = queue.entries.map((e) => {
      if (!equalBytes(e.validator, operator) || e.creationHeight <= infractionHeight || e.balance === 0n) return e;
      const cut = (e.initial * ppm) / PPM > e.balance ? e.balance : (e.initial * ppm) / PPM;
      total += cut;
      changed = true;
      return { ...e, balance: e.balance - cut };
    });
    if (changed) {
      const cut = queue.entries.reduce((s, e, i) => s + e.balance - entries[i]!.balance, 0n);
      await burn(state, UNBONDING_POOL, cut);
      unbondingQueue.put(state, queueKey(h), { entries });
    }
  }
  return total;
}

export async function jail(state: Overlay, operator: Uint8Array, until: bigint, tombstone: boolean): Promise<void> {
  const v = await requireValidator(state, operator);
  putValidator(state, operator, { ...v, jailed: true, jailedUntil: until > v.jailedUntil ? until : v.jailedUntil, tombstoned: v.tombstoned || tombstone });
}
