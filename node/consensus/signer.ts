/**
 * The validator's signer with double-sign protection (CometBFT's "last sign state"). Before a
 * signature leaves the process, the (height, round, step) it covers is written and fsynced; a
 * restarted validator then refuses to sign anything that conflicts with what it already signed,
 * and re-signs identical messages identically. Spec: docs/consensus.md §signing.
 */
import { signBeacon } from '../chain/beacon.ts';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { blsSign } from '../crypto/bls.ts';
import { equalBytes, fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';
import type { ValidatorKey } from '../crypto/keyfile.ts';
import { proposalSignBytes, voteSignBytes, type Proposal, type UnsignedProposal, type UnsignedVote, type Vote } from '../../consensus/messages.ts';

const STEP = { proposal: 1, prevote: 2, precommit: 3 } as const;
type SignStep = keyof typeof STEP;

interface LastSign {
  height: bigint;
  round: number;
  step: number;
  signBytes: Uint8Array;
  signature: Uint8Array;
}

export class DoubleSignError extends QuarryError {
  constructor(message: string) {
    super('E_BAD_REQUEST', message);
    this.name = 'DoubleSignError';
  }
}

export class ValidatorSigner {
  private last: LastSign | null;

  constructor(private readonly key: ValidatorKey, private readonly statePath: string, private readonly chainId: string) {
    this.last = existsSync(statePath) ? parseState(readFileSync(statePath, 'utf8')) : null;
  }

  get publicKey(): Uint8Array {
    return this.key.blsPublicKey;
  }

  signVote(vote: UnsignedVote): Vote {
    const bytes = voteSignBytes(this.chainId, vote);
    return { ...vote, signature: this.sign(vote.height, vote.round, vote.type, bytes) };
  }

  /** The block beacon (docs/consensus.md §beacon): one signature per height whatever the block, so no double-sign guard is needed. */
  signBeacon(height: bigint): Uint8Array {
    return signBeacon(this.chainId, height, this.key.blsSecretKey);
  }

  signProposal(p: UnsignedProposal): Proposal {
    return { ...p, signature: this.sign(p.height, p.round, 'proposal', proposalSignBytes(this.chainId, p)) };
  }

  private sign(height: bigint, round: number, stepName: SignStep, signBytes: Uint8Array): Uint8Array {
    const step = STEP[stepName];
    const last = this.last;
    if (last) {
      const order = cmp(height, round, step, last);
      if (order < 0) throw new DoubleSignError(`refusing to sign ${stepName} at ${height}/${round}: already signed ${last.height}/${last.round}/${last.step}`);
      if (order === 0) {
        if (equalBytes(signBytes, last.signBytes)) return last.signature;
        throw new DoubleSignError(`refusing to sign a conflicting ${stepName} at ${height}/${round}`);
      }
    }
    const signature = blsSign(signBytes, this.key.blsSecretKey);
    this.persist({ height, round, step, signBytes, signature });
    return signature;
  }

  private persist(state: LastSign): void {
    const tmp = `${this.statePath}.tmp`;
    const body = JSON.stringify({ height: state.height.toString(), round: state.round, step: state.step, signBytes: toHex(state.signBytes), signature: toHex(state.signature) });
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, body);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.statePath);
    } catch (err) {
      // the signature must not leave unrecorded: this is the node's own disk failing
      throw new QuarryError('E_STORE', `cannot record the last signature in ${this.statePath}: ${(err as Error).message}`);
    }
    this.last = state;
  }
}

function cmp(height: bigint, round: number, step: number, last: LastSign): number {
  if (height !== last.height) return height < last.height ? -1 : 1;
  if (round !== last.round) return round < last.round ? -1 : 1;
  return step === last.step ? 0 : step < last.step ? -1 : 1;
}

function parseState(text: string): LastSign {
  const j = JSON.parse(text) as { height: string; round: number; step: number; signBytes: string; signature: string };
  return { height: BigInt(j.height), round: j.round, step: j.step, signBytes: fromHex(j.signBytes), signature: fromHex(j.signature) };
}
