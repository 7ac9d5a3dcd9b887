/**
 * This validator's part in an epoch handoff (docs/epochs.md §handoff): when boundary block kL
 * commits and our key was in epoch k − 1's set, sign the handoff into epoch k with our Pallas key.
 */
import type { Chain, CommittedBlock } from '../chain/chain.ts';
import { equalBytes } from '../../protocol/encoding/bytes.ts';
import { pallasSecretFromBls, pallasSign } from '../crypto/pallas.ts';
import type { ValidatorKey } from '../crypto/keyfile.ts';
import { getChainParams } from '../modules/chain-params.ts';
import { getEpochSet } from '../modules/epoch/state.ts';
import { handoffFields, type HandoffSignature } from '../modules/epoch/handoff.ts';

export async function signHandoff(chain: Chain, key: ValidatorKey, b: CommittedBlock): Promise<HandoffSignature | null> {
  const { height, stateRoot } = b.block.header;
  const { epochLength } = await getChainParams(chain.latestState);
  if (height % epochLength !== 0n) return null;
  const epoch = height / epochLength;
  const outgoing = await getEpochSet(chain.latestState, epoch - 1n);
  const index = outgoing?.members.findIndex((m) => equalBytes(m.blsPubKey, key.blsPublicKey)) ?? -1;
  if (index < 0) return null;
  const message = await handoffFields(chain.latestState, epoch, { hash: b.hash, stateRoot });
  return { epoch, index, signature: await pallasSign(pallasSecretFromBls(key.blsSecretKey), message) };
}
