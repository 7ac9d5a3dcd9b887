/** Signature checks of consensus messages against a height's validator set. */
import { blsVerify } from '../crypto/bls.ts';
import { proposalSignBytes, voteSignBytes, type Proposal, type Vote } from '../../consensus/messages.ts';
import type { ValidatorSet } from '../../consensus/validator-set.ts';

export function validVote(chainId: string, set: ValidatorSet, vote: Vote): boolean {
  return vote.validatorIndex < set.size && blsVerify(vote.signature, voteSignBytes(chainId, vote), set.publicKey(vote.validatorIndex));
}

export function validProposal(chainId: string, set: ValidatorSet, p: Proposal): boolean {
  return p.proposerIndex < set.size && blsVerify(p.signature, proposalSignBytes(chainId, p), set.publicKey(p.proposerIndex));
}
