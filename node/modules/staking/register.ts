/** Registering a validator record (create-validator and genesis share this; stake comes after). */
import type { Overlay } from '../../state/view.ts';
import { NO_ID } from '../../state/record.ts';
import { blsKeyOwner, listOperators, pallasKeyOwner, putValidator, validatorIndex, type StakingParams } from './state.ts';

export async function registerValidator(state: Overlay, params: StakingParams, v: { operator: Uint8Array; blsPubKey: Uint8Array; pallasPubKey: Uint8Array; moniker: string; commissionPpm: bigint }): Promise<void> {
  putValidator(state, v.operator, {
    ...v,
    tokens: 0n,
    shares: 0n,
    rewardPerShare: 0n,
    commissionOwed: 0n,
    jailed: false,
    jailedUntil: 0n,
    tombstoned: false,
    missedBits: new Uint8Array(Math.ceil(Number(params.downtimeWindow) / 8)),
    missedCount: 0n,
  });
  blsKeyOwner.put(state, v.blsPubKey, { operator: v.operator });
  pallasKeyOwner.put(state, v.pallasPubKey, { operator: v.operator });
  validatorIndex.put(state, NO_ID, { operators: [...(await listOperators(state)), v.operator] });
}
