/** Signature check of a proposal against its height's validator set (votes: vote-batcher.ts). */
import { blsVerify } from '../crypto/bls.ts';
import { proposalSignBytes, type Proposal } from '../../consensus/messages.ts';
import type { ValidatorSet } from '../../consensus/validator-set.ts';

export function validProposal(chainId: string, set: ValidatorSet, p: Proposal): boolean {
  return p.proposerIndex < set.size && blsVerify(p.signature, proposalSignBytes(chainId, p), set.publicKey(p.proposerIndex));
}
