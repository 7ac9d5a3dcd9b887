/**
 * The chain's randomness beacon (docs/consensus.md §beacon). Every block's proposer signs
 * `quarry/beacon ‖ chainId ‖ height` with its BLS key and the header carries the signature; BLS
 * signatures are unique, so a proposer cannot grind its value, only withhold its block. State keeps
 * the running mix `mix_h = H(mix_{h−1} ‖ sig_h)` (RANDAO-style, node/modules/beacon.ts), which the
 * market's stake-mode draws read.
 */
import { concatBytes, u64be, utf8 } from '../../protocol/encoding/bytes.ts';
import { BLS_SIGNATURE_BYTES, blsSign, blsVerify, type BlsCheck, type BlsPublicKey } from '../crypto/bls.ts';

export const BEACON_BYTES = BLS_SIGNATURE_BYTES;

export function beaconMessage(chainId: string, height: bigint): Uint8Array {
  return concatBytes(utf8(`quarry/beacon/${chainId}/`), u64be(height));
}

export function signBeacon(chainId: string, height: bigint, blsSecretKey: Uint8Array): Uint8Array {
  return blsSign(beaconMessage(chainId, height), blsSecretKey);
}

/** The beacon as one signature check, for a batch (`preverifyRange`) or alone (`beaconValid`). */
export function beaconCheck(chainId: string, height: bigint, signature: Uint8Array, proposerKey: BlsPublicKey): BlsCheck {
  return { signature, message: beaconMessage(chainId, height), publicKeys: [proposerKey] };
}

export function beaconValid(chainId: string, height: bigint, signature: Uint8Array, proposerKey: BlsPublicKey | Uint8Array): boolean {
  return blsVerify(signature, beaconMessage(chainId, height), proposerKey);
}
