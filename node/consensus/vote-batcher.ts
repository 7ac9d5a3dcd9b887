/**
 * Batched vote verification: votes arriving together for the same message (same round, step and
 * value: they sign identical bytes) are checked with one aggregated pairing check, about the cost
 * of a single verification; only if the aggregate fails are they checked one by one to find the
 * bad signer. Decoded public keys come from the validator set's cache.
 */
import { blsAggregate, blsVerify, blsVerifyAggregate } from '../crypto/bls.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { voteSignBytes, type Vote } from '../../consensus/messages.ts';
import type { ValidatorSet } from '../../consensus/validator-set.ts';

interface Pending {
  vote: Vote;
  set: ValidatorSet;
  resolve: (ok: boolean) => void;
}

/** How long to wait for companions before verifying a batch (ms). */
const WINDOW_MS = 3;

export class VoteBatcher {
  private groups = new Map<string, { message: Uint8Array; items: Pending[] }>();
  private timer: NodeJS.Timeout | null = null;
  batches = 0;
  verified = 0;

  constructor(private readonly chainId: string) {}

  verify(set: ValidatorSet, vote: Vote): Promise<boolean> {
    if (vote.validatorIndex >= set.size) return Promise.resolve(false);
    const message = voteSignBytes(this.chainId, vote);
    const id = `${toHex(set.hash)}:${toHex(message)}`;
    return new Promise((resolve) => {
      const group = this.groups.get(id) ?? { message, items: [] };
      group.items.push({ vote, set, resolve });
      this.groups.set(id, group);
      this.timer ??= setTimeout(() => this.flush(), WINDOW_MS);
    });
  }

  private flush(): void {
    this.timer = null;
    const groups = [...this.groups.values()];
    this.groups.clear();
    for (const { message, items } of groups) {
      this.batches++;
      this.verified += items.length;
      if (items.length > 1 && this.aggregateOk(message, items)) {
        for (const p of items) p.resolve(true);
        continue;
      }
      for (const p of items) p.resolve(blsVerify(p.vote.signature, message, p.set.publicKey(p.vote.validatorIndex)));
    }
  }

  private aggregateOk(message: Uint8Array, items: Pending[]): boolean {
    try {
      const signature = blsAggregate(items.map((p) => p.vote.signature));
      return blsVerifyAggregate(signature, message, items.map((p) => p.set.publicKey(p.vote.validatorIndex)));
    } catch {
      return false; // a malformed signature in the batch: fall back to one by one
    }
  }
}
