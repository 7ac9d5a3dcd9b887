/**
 * The beacon's running mix in state (docs/consensus.md §beacon): at the start of each block's end,
 * `mix_h = H(mix_{h−1} ‖ sig_h)` with the proposer's verified beacon signature; genesis starts from
 * the zero hash. What the block's end-of-block work draws from (the market's stake mode).
 */
import { bytes, struct } from '../../protocol/encoding/schema.ts';
import { taggedHash, ZERO_HASH } from '../crypto/hash.ts';
import { NO_ID, record } from '../state/record.ts';
import type { Overlay, StateReader } from '../state/view.ts';

const beaconMix = record('chain/beacon', struct({ mix: bytes({ len: 32 }) }));

export async function getBeaconMix(state: StateReader): Promise<Uint8Array> {
  return (await beaconMix.get(state, NO_ID))?.mix ?? ZERO_HASH;
}

export async function mixBeacon(state: Overlay, signature: Uint8Array): Promise<Uint8Array> {
  const mix = taggedHash('quarry/beacon-mix', await getBeaconMix(state), signature);
  beaconMix.put(state, NO_ID, { mix });
  return mix;
}
