/**
 * The indexes that keep end-of-block market work proportional to what is due (docs/market.md
 * §due-index): every request write goes through `putRequest`, which moves the request between
 * the open list, its circuit's waiting list and the due-height buckets as its status changes.
 */
import { array, bytes, struct, u64 } from '../../../protocol/encoding/schema.ts';
import { toHex, u64be } from '../../../protocol/encoding/bytes.ts';
import { NO_ID, record } from '../../state/record.ts';
import { linkedSet } from '../../state/linked-set.ts';
import type { Overlay, StateReader } from '../../state/view.ts';
import { requests, type ProofRequest } from './state.ts';

/** Requests not final yet, in the order they were opened (for the RPC and the open-request cap). */
export const openRequests = linkedSet('market/open');
/** Per circuit: open (unlocked) requests, in the order asks take them. */
export const waiting = linkedSet('market/waiting');
/** Per height (u64 big-endian): requests whose lock expiry or deadline falls due then. */
export const dueAt = linkedSet('market/due');
/** Per height: circuits whose asks look for waiting requests at that end of block, and how many are left to try. */
export const matchDue = record('market/match-due', struct({ circuits: array(struct({ circuit: bytes({ len: 32 }), left: u64 }), 1 << 16) }));

const isFinal = (r: ProofRequest) => r.status === 'fulfilled' || r.status === 'expired' || r.status === 'cancelled';

/**
 * The height whose end of block must look at the request: a lock is slashed after it expires, a
 * stake-mode draw runs when scheduled, anything unlocked at its deadline.
 */
export function dueHeight(r: ProofRequest): bigint | null {
  if (r.status === 'locked') return r.lock!.expiresAt + 1n;
  if (isFinal(r)) return null;
  return r.status === 'open' && r.drawAt > 0n && r.drawAt < r.deadline ? r.drawAt : r.deadline;
}

export async function putRequest(state: Overlay, id: Uint8Array, next: ProofRequest): Promise<void> {
  const prev = (await requests.get(state, id)) as ProofRequest | undefined;
  requests.put(state, id, next);
  if (!prev && !isFinal(next)) await openRequests.add(state, NO_ID, id);
  if (prev && !isFinal(prev) && isFinal(next)) await openRequests.remove(state, NO_ID, id);
  const wasWaiting = prev?.status === 'open';
  if (wasWaiting !== (next.status === 'open')) await (wasWaiting ? waiting.remove(state, prev!.circuitId, id) : waiting.add(state, next.circuitId, id));
  const [from, to] = [prev ? dueHeight(prev) : null, dueHeight(next)];
  if (from === to) return;
  if (from !== null) await dueAt.remove(state, u64be(from), id);
  if (to !== null) await dueAt.add(state, u64be(to), id);
}

/**
 * Has the circuit's asks look for waiting requests at the end of block `height`, trying each
 * waiting request once (a later mark restarts the count).
 */
export async function scheduleMatching(state: Overlay, height: bigint, circuit: Uint8Array): Promise<void> {
  await carryMatching(state, height, circuit, await waiting.count(state, circuit));
}

export async function carryMatching(state: Overlay, height: bigint, circuit: Uint8Array, left: bigint): Promise<void> {
  if (left === 0n) return;
  const cur = (await matchDue.get(state, u64be(height)))?.circuits ?? [];
  const hex = toHex(circuit);
  const had = cur.find((c) => toHex(c.circuit) === hex);
  const circuits = had ? cur.map((c) => (c === had && left > c.left ? { circuit, left } : c)) : [...cur, { circuit, left }];
  matchDue.put(state, u64be(height), { circuits });
}

/** Open request ids in opening order, read as the caller goes (the RPC stops at its limit). */
export function openRequestIds(state: StateReader): AsyncGenerator<Uint8Array> {
  return openRequests.members(state, NO_ID);
}
