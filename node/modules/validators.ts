/**
 * The active validator set and its proposer priorities as kept in state. The staking module
 * (issue #4) rewrites the set at epoch boundaries; the consensus engine reads it per height.
 */
import { array, i64, struct } from '../../protocol/encoding/schema.ts';
import { NO_ID, record } from '../state/record.ts';
import type { Overlay, StateReader } from '../state/view.ts';
import { MAX_VALIDATORS, nextPriorities, ValidatorSet, validatorListSchema } from '../../consensus/validator-set.ts';

const activeSetSchema = struct({ validators: validatorListSchema, priorities: array(i64, MAX_VALIDATORS) });
export const activeSet = record('consensus/active-set', activeSetSchema);

export interface ActiveSet {
  set: ValidatorSet;
  priorities: bigint[];
}

export async function getActiveSet(state: StateReader): Promise<ActiveSet> {
  const rec = await activeSet.get(state, NO_ID);
  if (!rec) throw new Error('validator set missing from state');
  return { set: new ValidatorSet(rec.validators), priorities: rec.priorities };
}

/** After each block: advance proposer priorities by one height. */
export async function advancePriorities(state: Overlay): Promise<void> {
  const { set, priorities } = await getActiveSet(state);
  activeSet.put(state, NO_ID, { validators: [...set.validators], priorities: nextPriorities(set, priorities) });
}
