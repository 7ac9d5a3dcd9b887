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
 * commit to one timed-out request (open fill), or lock one auction request at or above this
 * prover's ask, when its price per second of proving beats what mining has been earning.
 */
import type { MarketRequest } from '../protocol/rpc-types.ts';

/** A request as `GET /market/requests` serves it (the fields the policy reads). */
export type PolicyRequest = Pick<MarketRequest, 'id' | 'circuitId' | 'inputs' | 'status' | 'currentPrice' | 'maxPrice' | 'collateral' | 'deadline'> & {
  fillerReward: string;
  /** What the fill's pay owes missed provers' delegators (absent: nothing). */
  owedTo?: MarketRequest['owedTo'];
  /** Stake-mode requests are drawn, never locked (absent: book). */
  mode?: MarketRequest['mode'];
  lock: { prover: string; price: string; expiresAt: string } | null;
};

export interface MarketView {
  height: bigint;
  /** Requests locked to this prover. */
  locked: PolicyRequest[];
  openFill: PolicyRequest[];
  open: PolicyRequest[];
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
  /** Open-fill commitments made, with the height of their block. */
  committed: ReadonlyMap<string, { height: bigint }>;
  /** Seconds one proof of the circuit took (a default before the first). */
  proofSeconds(circuitId: string): number;
  /** Reward per second puzzle mining has earned (uqry/s). */
  miningRate: number;
}

export type MarketAction =
  | { do: 'reveal'; id: string }
  | { do: 'check-locked'; request: PolicyRequest }
  | { do: 'prove-locked'; request: PolicyRequest }
  | { do: 'commit'; request: PolicyRequest }
  | { do: 'lock'; request: PolicyRequest; price: bigint };

/** The part of a price that is not owed to missed provers' delegators (docs/market.md §delegation). */
const unowed = (r: PolicyRequest, price: bigint): bigint => price - (r.owedTo ?? []).reduce((sum, o) => sum + BigInt(o.amount), 0n);

/** Market work beats mining when its price per second of proving is at least mining's rate. */
function worthIt(r: PolicyRequest, price: bigint, m: ProverMemory): boolean {
  return Number(price) / m.proofSeconds(r.circuitId) >= m.miningRate;
}

export function planMarket(view: MarketView, m: ProverMemory): MarketAction[] {
  const served = (r: PolicyRequest) => m.askPrice.has(r.circuitId);
  const actions: MarketAction[] = [];
  for (const [id, c] of m.committed) if (c.height < view.height) actions.push({ do: 'reveal', id });
  const mine = view.locked.filter(served);
  const pending = mine.filter((r) => !m.done.has(r.id));
  for (const r of pending) if (!m.checked.has(r.id)) actions.push({ do: 'check-locked', request: r });
  for (const r of pending) actions.push({ do: 'prove-locked', request: r });
  if (mine.length > 0) return actions;
  const fill = view.openFill.find((r) => served(r) && !m.committed.has(r.id) && !m.unprovable.has(r.id) && worthIt(r, unowed(r, BigInt(r.maxPrice)) + BigInt(r.fillerReward), m));
  if (fill) return [...actions, { do: 'commit', request: fill }];
  for (const r of view.open.filter((x) => served(x) && x.mode !== 'stake')) {
    const price = BigInt(r.currentPrice ?? '0');
    if (unowed(r, price) >= m.askPrice.get(r.circuitId)! && !m.unprovable.has(r.id) && worthIt(r, unowed(r, price), m)) return [...actions, { do: 'lock', request: r, price }];
  }
  return actions;
}
