/**
 * The market prover's policy as a pure function (docs/market.md §provers): from what the node
 * shows and what the prover remembers, the actions to take now, in order. `MarketProver`
 * (market.ts) performs them over RPC; the market simulation (test/unit/market-simulation.test.ts)
 * drives the same function against a test chain, so what it checks is the policy provers run.
 *
 * In order: reveal open-fill commitments made in an earlier block; check the witness of every new
 * request locked to this prover (milliseconds: one with no witness must be declined within the
 * accept window, not after the proofs queued before it); prove the locked ones (obligations:
 * collateral is at stake) and take nothing else while any is held; otherwise
 * commit to one timed-out request (open fill), or join one race in its commit window, or lock one
 * auction request at or above this prover's ask, when its price per second of proving beats what
 * mining has been earning. A sealed lock waits for its seal (its clock has not started); sealed
 * requests are never taken as open fills (nobody but a locked prover can read their inputs).
 */
import type { MarketRequest } from '../protocol/rpc-types.ts';
import { MAX_RACERS } from '../node/modules/market/state.ts';

/** A request as `GET /market/requests` serves it (the fields the policy reads). */
export type PolicyRequest = Pick<MarketRequest, 'id' | 'circuitId' | 'inputs' | 'status' | 'currentPrice' | 'maxPrice' | 'collateral' | 'deadline'> & {
  /** Sealed private inputs' commitment (absent or null: all inputs in the clear). */
  sealed?: MarketRequest['sealed'];
  /** Race mode: the listing height and commit window, the shares and the committed provers. */
  listedAt?: string;
  lockBlocks?: string;
  winners?: string;
  racers?: MarketRequest['racers'];
  fillerReward: string;
  /** What the fill's pay owes missed provers' delegators (absent: nothing). */
  owedTo?: MarketRequest['owedTo'];
  /** Stake-mode requests are drawn, never locked (absent: book). */
  mode?: MarketRequest['mode'];
  lock: { prover: string; price: string; expiresAt: string; awaitingSeal?: string } | null;
};

export interface MarketView {
  height: bigint;
  /** Requests locked to this prover. */
  locked: PolicyRequest[];
  openFill: PolicyRequest[];
  open: PolicyRequest[];
  /** Races (absent: none shown). */
  race?: PolicyRequest[];
}

export interface ProverMemory {
  /** This prover's ask price per circuit id (it serves only these circuits). */
  askPrice: ReadonlyMap<string, bigint>;
  /** Locked requests already fulfilled or declined. */
  done: ReadonlySet<string>;
  /** Locked requests whose witness was found to exist. */
  checked: ReadonlySet<string>;
  /** Requests found to have no witness for their inputs. */
  unprovable: ReadonlySet<string>;
  /** Commitments made (open fills and races), with the height of their block and, for a race, the first height a reveal may come. */
  committed: ReadonlyMap<string, { height: bigint; revealAt?: bigint }>;
  /** Seconds one proof of the circuit took (a default before the first). */
  proofSeconds(circuitId: string): number;
  /** Reward per second puzzle mining has earned (uqry/s). */
  miningRate: number;
  /** This prover's address (races it has joined are not joined again). */
  address?: string;
}

export type MarketAction =
  | { do: 'reveal'; id: string }
  | { do: 'check-locked'; request: PolicyRequest }
  | { do: 'prove-locked'; request: PolicyRequest }
  | { do: 'commit'; request: PolicyRequest }
  | { do: 'race'; request: PolicyRequest }
  | { do: 'lock'; request: PolicyRequest; price: bigint };

/** The part of a price that is not owed to missed provers' delegators (docs/market.md §delegation). */
const unowed = (r: PolicyRequest, price: bigint): bigint => price - (r.owedTo ?? []).reduce((sum, o) => sum + BigInt(o.amount), 0n);

/** The last height of a race's commit window (docs/market.md §race). */
export const commitEnd = (r: PolicyRequest): bigint => BigInt(r.listedAt ?? '0') + BigInt(r.lockBlocks ?? '0');
/** One winner's share of a race's price. */
export const raceShare = (r: PolicyRequest): bigint => BigInt(r.maxPrice) / BigInt(r.winners ?? '1');
/** A race this prover can still join: in the window, not full, not joined. */
const joinable = (r: PolicyRequest, height: bigint, me: string): boolean => height <= commitEnd(r) && (r.racers ?? []).length < MAX_RACERS && !(r.racers ?? []).some((x) => x.prover === me);

/** Market work beats mining when its price per second of proving is at least mining's rate. */
function worthIt(r: PolicyRequest, price: bigint, m: ProverMemory): boolean {
  return Number(price) / m.proofSeconds(r.circuitId) >= m.miningRate;
}

export function planMarket(view: MarketView, m: ProverMemory): MarketAction[] {
  const served = (r: PolicyRequest) => m.askPrice.has(r.circuitId);
  const actions: MarketAction[] = [];
  for (const [id, c] of m.committed) if (view.height >= (c.revealAt ?? c.height + 1n)) actions.push({ do: 'reveal', id });
  const mine = view.locked.filter(served);
  const pending = mine.filter((r) => !m.done.has(r.id) && BigInt(r.lock?.awaitingSeal ?? '0') === 0n);
  for (const r of pending) if (!m.checked.has(r.id)) actions.push({ do: 'check-locked', request: r });
  for (const r of pending) actions.push({ do: 'prove-locked', request: r });
  if (mine.length > 0) return actions;
  const fill = view.openFill.find((r) => served(r) && !r.sealed && !m.committed.has(r.id) && !m.unprovable.has(r.id) && worthIt(r, unowed(r, BigInt(r.maxPrice)) + BigInt(r.fillerReward), m));
  if (fill) return [...actions, { do: 'commit', request: fill }];
  const race = (view.race ?? []).find((r) => served(r) && !m.committed.has(r.id) && !m.unprovable.has(r.id) && joinable(r, view.height, m.address ?? '') && worthIt(r, raceShare(r), m));
  if (race) return [...actions, { do: 'race', request: race }];
  for (const r of view.open.filter((x) => served(x) && x.mode !== 'stake')) {
    const price = BigInt(r.currentPrice ?? '0');
    if (unowed(r, price) >= m.askPrice.get(r.circuitId)! && !m.unprovable.has(r.id) && worthIt(r, unowed(r, price), m)) return [...actions, { do: 'lock', request: r, price }];
  }
  return actions;
}
