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
      const checked = await checkOne(chain, height, e, params.maxEvidenceAge);
      const id = toHex(checked.operator);
      if (seen.has(id)) throw new QuarryError('E_DUPLICATE', 'this validator was already punished for double signing');
      seen.add(id);
      out.push(checked);
    } catch (err) {
      if (mode === 'verify') throw new QuarryError('E_BAD_BLOCK', `invalid evidence ${toHex(evidenceId(e)).slice(0, 16)}: ${(err as Error).message}`);
    }
  }
  return out;
}

/**
 * One item against chain history, throwing a coded error: `E_EXPIRED` outside the evidence window,
 * `E_NOT_FOUND` for a height not stored, `E_DUPLICATE` when its validator was already punished
 * (so it is stale, not false), anything else when it is false.
 */
export async function checkOne(chain: ChainHistory, height: bigint, e: Evidence, maxEvidenceAge: bigint): Promise<VerifiedEvidence> {
  const h = e.first.height;
  if (h >= height || h + maxEvidenceAge < height) throw new QuarryError('E_EXPIRED', `evidence from height ${h} is outside the window for height ${height}`);
  const found = await chain.getBlock(h);
  if (!found) throw new QuarryError('E_NOT_FOUND', `no block at evidence height ${h}`);
  const set = await chain.validatorSetByHash(found.block.header.validatorSetHash);
  const member = set.validators[e.first.validatorIndex];
  if (!member) throw new QuarryError('E_BAD_REQUEST', 'evidence names a validator index outside the set');
  // before the signatures: evidence against a validator already punished stays in the pools until
  // it ages out, and checking its two BLS signatures at every proposal cost ~50 ms an item
  const v = await getValidator(chain.latestState, member.address);
  if (!v || v.tombstoned) throw new QuarryError('E_DUPLICATE', 'this validator was already punished for double signing');
  verifyEvidence(chain.chainId, e, set.publicKey(e.first.validatorIndex));
  return { evidence: e, operator: member.address, height: h };
}
