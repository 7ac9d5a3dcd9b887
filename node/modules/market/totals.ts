/**
 * The market's running totals since genesis (docs/market.md §totals): what an operator's
 * dashboard shows as the market's history, kept in state so every node answers the same and a
 * freshly synced node knows them without replaying the chain. Bumped where the events happen.
 */
import { struct, u64, type Infer } from '../../../protocol/encoding/schema.ts';
import { NO_ID, record } from '../../state/record.ts';
import type { Overlay, StateReader } from '../../state/view.ts';

export const marketTotalsSchema = struct({
  requests: u64,
  fulfilled: u64,
  /** Fills by the lock holder before its lock expired. */
  onTime: u64,
  /** Requests answered from the proof cache (counted in `fulfilled` too). */
  fromCache: u64,
  slashes: u64,
  declines: u64,
  expired: u64,
  cancelled: u64,
  /** Prices paid for fills (uqry, market fee included). */
  paid: u64,
  /** Collateral taken from provers by slashes (uqry). */
  slashedCollateral: u64,
});
export type MarketTotals = Infer<typeof marketTotalsSchema>;
const marketTotals = record('market/totals', marketTotalsSchema);

export const NO_TOTALS: MarketTotals = { requests: 0n, fulfilled: 0n, onTime: 0n, fromCache: 0n, slashes: 0n, declines: 0n, expired: 0n, cancelled: 0n, paid: 0n, slashedCollateral: 0n };

export async function getMarketTotals(state: StateReader): Promise<MarketTotals> {
  return (await marketTotals.get(state, NO_ID)) ?? NO_TOTALS;
}

/** Adds `delta` to the totals. */
export async function countMarket(state: Overlay, delta: Partial<MarketTotals>): Promise<void> {
  const t = await getMarketTotals(state);
  const next = { ...t };
  for (const [k, v] of Object.entries(delta) as Array<[keyof MarketTotals, bigint]>) next[k] = t[k] + v;
  marketTotals.put(state, NO_ID, next);
}
