/**
 * Race mode (docs/market.md §race): bonded provers commit to a proof during the commit window,
 * reveal it after, and the first `winners` valid proofs in commit order share the price. The
 * circuit's `prover` input binds every proof to its prover, and nobody can commit after the
 * window closes, so a proof seen in the mempool can be neither copied nor re-randomized into
 * someone else's win, and each share costs a proof of its own.
 */
import { QuarryError } from '../../../protocol/errors.ts';
import { equalBytes, toHex } from '../../../protocol/encoding/bytes.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import type { Overlay } from '../../state/view.ts';
import { burn, transfer } from '../bank/account.ts';
import type { MsgContext } from '../types.ts';
import { commitKey } from './fill-commitment.ts';
import { payProver } from './delegation.ts';
import { lockCollateral, marketFee, slashShares } from './economics.ts';
import { putRequest } from './request-index.ts';
import { commitCollateral, releaseCollateral, slashStake, type Emit } from './settle.ts';
import { fillCommits, freeCollateral, getProver, MARKET_BONDS, MARKET_ESCROW, MAX_RACERS, provers, requestProofs, requireProverBond, getMarketParams, type MarketParams, type ProofRequest } from './state.ts';
import { countMarket } from './totals.ts';

/** The last height of a race's commit window; reveals come after it. */
export const commitEnd = (r: ProofRequest): bigint => r.listedAt + r.lockBlocks;
/** Each winner's share of the price (the rounding dust goes to the first). */
export const raceShare = (r: ProofRequest): bigint => r.maxPrice / r.winners;

/** A bonded prover joins the race: it posts the collateral of one share, lost if it never reveals a valid proof. */
export async function commitRace(ctx: MsgContext, id: Uint8Array, r: ProofRequest): Promise<void> {
  if (ctx.height > commitEnd(r)) throw new QuarryError('E_EXPIRED', `the commit window closed at height ${commitEnd(r)}`);
  if (r.racers.some((x) => equalBytes(x.prover, ctx.signer))) throw new QuarryError('E_DUPLICATE', 'you already committed to this race');
  if (r.racers.length >= MAX_RACERS) throw new QuarryError('E_INVALID_MSG', `the race is full (${MAX_RACERS} provers)`);
  const params = await getMarketParams(ctx.state);
  const p = await requireProverBond(ctx.state, ctx.signer, params);
  const collateral = lockCollateral(params, r.collateral, raceShare(r));
  if (freeCollateral(p) < collateral) throw new QuarryError('E_INSUFFICIENT_FUNDS', `free collateral ${freeCollateral(p)} uqry is below the required ${collateral}`);
  await commitCollateral(ctx.state, ctx.signer, collateral);
  await putRequest(ctx.state, id, { ...r, racers: [...r.racers, { prover: ctx.signer, collateral, revealed: false }] });
  ctx.emit({ type: 'market-race-commit', request: toHex(id), prover: encodeAddress(ctx.signer), index: r.racers.length, height: ctx.height.toString() });
}

/** A racer's verified reveal (the caller checked the window, commitment and proof): its collateral is free; the first proof is the requester's. */
export async function recordReveal(ctx: MsgContext, id: Uint8Array, r: ProofRequest, fill: { proof: Uint8Array; publicSignals: string[] }): Promise<void> {
  const i = r.racers.findIndex((x) => equalBytes(x.prover, ctx.signer));
  await releaseCollateral(ctx.state, ctx.signer, r.racers[i]!.collateral);
  fillCommits.remove(ctx.state, commitKey(id, ctx.signer));
  if (!r.racers.some((x) => x.revealed)) requestProofs.put(ctx.state, id, { proof: fill.proof, publicSignals: fill.publicSignals });
  const next = { ...r, racers: r.racers.map((x, j) => (j === i ? { ...x, revealed: true } : x)) };
  ctx.emit({ type: 'market-race-reveal', request: toHex(id), prover: encodeAddress(ctx.signer), index: i, height: ctx.height.toString() });
  // once every racer has revealed, nothing can change the winners: settle now rather than at the deadline
  if (next.racers.every((x) => x.revealed)) await settleRace(ctx.state, await getMarketParams(ctx.state), id, next, ctx.height, ctx.emit);
  else await putRequest(ctx.state, id, next);
}

/**
 * The end of a race: the first `winners` revealed proofs in commit order are paid a share each
 * (less the fee, shared with their delegators); racers that never revealed lose their collateral
 * (the requester's slash share to the requester, the rest burned); the rest of the escrow goes
 * back. With no valid proof the request expires.
 */
export async function settleRace(state: Overlay, p: MarketParams, id: Uint8Array, r: ProofRequest, height: bigint, emit: Emit): Promise<void> {
  const winners = r.racers.filter((x) => x.revealed).slice(0, Number(r.winners));
  const share = raceShare(r);
  let paid = 0n;
  for (const [k, w] of winners.entries()) {
    const amount = share + (k === 0 && winners.length === Number(r.winners) ? r.maxPrice - share * r.winners : 0n);
    const fee = marketFee(p, amount);
    await burn(state, MARKET_ESCROW, fee);
    await payProver(state, MARKET_ESCROW, w.prover, amount - fee, height);
    const pr = await getProver(state, w.prover);
    provers.put(state, w.prover, { ...pr, onTime: pr.onTime + 1n });
    paid += amount;
    emit({ type: 'market-fill', request: toHex(id), prover: encodeAddress(w.prover), price: amount.toString(), onTime: true, race: k, height: height.toString() });
  }
  let slashed = 0n;
  for (const x of r.racers.filter((y) => !y.revealed)) {
    // as for a missed lock (docs/market.md §delegation): only the bond's part is shared
    const { fromBond } = await slashStake(state, x.prover, x.collateral, false);
    const { toRequester } = slashShares(p, fromBond);
    if (toRequester > 0n) await transfer(state, MARKET_BONDS, r.requester, toRequester);
    await burn(state, MARKET_BONDS, x.collateral - toRequester);
    fillCommits.remove(state, commitKey(id, x.prover));
    slashed += x.collateral;
    emit({ type: 'market-slash', request: toHex(id), prover: encodeAddress(x.prover), amount: x.collateral.toString(), reason: 'no-reveal', height: height.toString() });
  }
  if (r.escrow - paid > 0n) await transfer(state, MARKET_ESCROW, r.requester, r.escrow - paid);
  const status = winners.length > 0 ? 'fulfilled' : 'expired';
  await putRequest(state, id, { ...r, status, escrow: 0n, filledBy: winners[0]?.prover ?? null, paid });
  await countMarket(state, { ...(winners.length > 0 ? { fulfilled: 1n, onTime: 1n, paid } : { expired: 1n }), slashes: BigInt(r.racers.length - r.racers.filter((x) => x.revealed).length), slashedCollateral: slashed });
  if (winners.length === 0) emit({ type: 'market-expired', request: toHex(id), refund: r.escrow.toString() });
}
