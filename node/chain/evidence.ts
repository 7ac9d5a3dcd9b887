/**
 * Checks double-sign evidence against chain history before execution: the accused validator is
 * the one at the votes' index in the validator set of the evidence height, both votes verify under
 * its key, the evidence is recent (maxEvidenceAge) and its validator is not already tombstoned.
 */
import { QuarryError } from '../../protocol/errors.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { evidenceId, verifyEvidence, type Evidence } from '../../consensus/evidence.ts';
import { getStakingParams, getValidator } from '../modules/staking/state.ts';
import type { ChainHistory } from './history.ts';

export interface VerifiedEvidence {
  evidence: Evidence;
  operator: Uint8Array;
  height: bigint;
}

export async function checkEvidence(chain: ChainHistory, height: bigint, items: Evidence[], mode: 'build' | 'verify'): Promise<VerifiedEvidence[]> {
  const params = await getStakingParams(chain.latestState);
  const out: VerifiedEvidence[] = [];
  const seen = new Set<string>();
  for (const e of items) {
    try {
      const h = e.first.height;
      if (h >= height || h + params.maxEvidenceAge < height) throw new QuarryError('E_BAD_REQUEST', `evidence from height ${h} is outside the window for height ${height}`);
      const found = await chain.getBlock(h);
      if (!found) throw new QuarryError('E_NOT_FOUND', `no block at evidence height ${h}`);
      const set = await chain.validatorSetByHash(found.block.header.validatorSetHash);
      const member = set.validators[e.first.validatorIndex];
      if (!member) throw new QuarryError('E_BAD_REQUEST', 'evidence names a validator index outside the set');
      verifyEvidence(chain.chainId, e, set.publicKey(e.first.validatorIndex));
      const v = await getValidator(chain.latestState, member.address);
      const id = toHex(member.address);
      if (!v || v.tombstoned || seen.has(id)) throw new QuarryError('E_DUPLICATE', 'this validator was already punished for double signing');
      seen.add(id);
      out.push({ evidence: e, operator: member.address, height: h });
    } catch (err) {
      if (mode === 'verify') throw new QuarryError('E_BAD_BLOCK', `invalid evidence ${toHex(evidenceId(e)).slice(0, 16)}: ${(err as Error).message}`);
    }
  }
  return out;
}
