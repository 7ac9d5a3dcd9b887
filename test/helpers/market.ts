/** Proof-market fixtures: the example circuits' ids and a prover for the Poseidon-preimage one. */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { readFileSync } from 'node:fs';
import { poseidon1 } from 'poseidon-lite';
import { circuitFiles } from '../../circuits/artifacts.ts';
import { circuitIdOf } from '../../protocol/verification-key.ts';
import { Groth16Prover } from '../../puzzle/groth16-prover.ts';
import { exampleCircuits } from '../../genesis/builder.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import assert from 'node:assert/strict';
import type { ChainEvent } from '../../node/modules/types.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { getAccount, totalSupply } from '../../node/modules/bank/account.ts';
import { getProver, getRequest, MARKET_BONDS, MARKET_ESCROW, proverList } from '../../node/modules/market/state.ts';
import { getDelegation, proverDelegators, PROVER_REWARDS } from '../../node/modules/market/delegation.ts';
import { openRequestIds } from '../../node/modules/market/request-index.ts';
import { BONDED_POOL, REWARDS_POOL, UNBONDING_POOL } from '../../node/modules/staking/state.ts';
import { NO_ID } from '../../node/state/record.ts';
import { requestId } from '../../protocol/messages/market.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { makeTx, type TestChain } from './chain.ts';

export const MARKET_TX_FEE = 200_000n;

export const PREIMAGE = exampleCircuits()[0]!;
export const PREIMAGE_ID = circuitIdOf(PREIMAGE.vk, PREIMAGE.wasmHash);

let prover: Promise<Groth16Prover> | null = null;
export function preimageProver(): Promise<Groth16Prover> {
  const f = circuitFiles('poseidon-preimage');
  prover ??= Groth16Prover.create(new Uint8Array(readFileSync(f.zkey)), new Uint8Array(readFileSync(f.wasm)));
  return prover;
}

/** Inputs of a preimage request for secret x, and the proof/public signals a fill carries. */
export function preimageInputs(x: bigint) {
  return [
    { name: 'hash', values: [poseidon1([x]).toString()] },
    { name: 'preimage', values: [x.toString()] },
  ];
}

export async function preimageFill(x: bigint): Promise<{ proof: Uint8Array; publicSignals: string[] }> {
  const p = await (await preimageProver()).prove({ preimage: x, hash: poseidon1([x]) });
  return { proof: p.proof, publicSignals: p.publicSignals.map(String) };
}

export interface RequestOpts {
  minPrice?: bigint;
  maxPrice?: bigint;
  rampBlocks?: bigint;
  lockBlocks?: bigint;
  deadlineBlocks?: bigint;
  collateral?: bigint;
  minReputationPpm?: bigint;
  escalationCap?: bigint;
  reservation?: Uint8Array | null;
  mode?: 'book' | 'stake' | 'race';
  winners?: bigint;
  sealed?: Uint8Array | null;
}

export function requestMsg(x: bigint, o: RequestOpts = {}): AnyMsg {
  const maxPrice = o.maxPrice ?? 1_000_000n;
  return {
    type: 'market/request-proof',
    circuitId: PREIMAGE_ID,
    inputs: preimageInputs(x),
    minPrice: o.minPrice ?? maxPrice / 2n,
    maxPrice,
    rampBlocks: o.rampBlocks ?? 4n,
    lockBlocks: o.lockBlocks ?? 5n,
    deadlineBlocks: o.deadlineBlocks ?? 20n,
    collateral: o.collateral ?? 500_000n,
    minReputationPpm: o.minReputationPpm ?? 0n,
    escalationCap: o.escalationCap ?? maxPrice,
    reservation: o.reservation ?? null,
    mode: o.mode ?? 'book',
    winners: o.winners ?? 1n,
    sealed: o.sealed ?? null,
  } as AnyMsg;
}

export const hex = toHex;

/** Drives market transactions on a test chain, one transaction per block, sequences read from state. */
export class MarketDriver {
  constructor(readonly t: TestChain) {}
  async run(user: AccountKey, msgs: AnyMsg[]): Promise<{ code: string; hash: Uint8Array; log: string; events: ChainEvent[] }> {
    const { sequence } = await getAccount(this.t.chain.latestState, decodeAddress(user.address));
    const bytes = makeTx(user, msgs, { sequence, fee: MARKET_TX_FEE });
    const block = await this.t.produce([bytes]);
    const r = block.exec.receipts[0];
    if (!r) throw new Error(`transaction not included: ${block.exec.rejected[0]?.error.message}`);
    return { code: r.code, hash: decodeTx(bytes).hash, log: r.log, events: r.events };
  }
  async ok(user: AccountKey, msgs: AnyMsg[]): Promise<{ hash: Uint8Array; events: ChainEvent[] }> {
    const r = await this.run(user, msgs);
    assert.equal(r.code, 'OK', r.log);
    return r;
  }
  async request(user: AccountKey, msg: AnyMsg): Promise<Uint8Array> {
    return requestId((await this.ok(user, [msg])).hash, 0);
  }
  /** Balances plus market bonds (held and unbonding) of some addresses: what they are worth together. */
  async wealth(...users: AccountKey[]): Promise<bigint> {
    let sum = 0n;
    for (const u of users) {
      const a = decodeAddress(u.address);
      const p = await getProver(this.t.chain.latestState, a);
      sum += (await getAccount(this.t.chain.latestState, a)).balance + p.bond + p.unbonding.reduce((x, e) => x + e.amount, 0n);
    }
    return sum;
  }
}

/**
 * Every uqry is somewhere (docs/market.md §invariants, conservation): escrow holds exactly what open
 * requests record (tests using it hold no outstanding reservations), the bonds account exactly the
 * provers' bonds and delegations (unbonding included), and users, operator and module accounts sum to the supply, which changes only by
 * the block rewards minted and the fees and slashes burned.
 */
export async function assertMarketBalanced(t: TestChain): Promise<void> {
  const s = t.chain.latestState;
  let escrow = 0n;
  for await (const id of openRequestIds(s)) escrow += (await getRequest(s, id)).escrow;
  assert.equal((await getAccount(s, MARKET_ESCROW)).balance, escrow, 'escrow equals what open requests hold');
  let bonds = 0n;
  for (const p of (await proverList.get(s, NO_ID))?.addresses ?? []) {
    const pr = await getProver(s, p);
    assert.ok(pr.locked <= pr.bond + pr.delegated, 'locked collateral never exceeds the stake');
    bonds += pr.bond + pr.delegated + pr.unbonding.reduce((x, u) => x + u.amount, 0n);
    for await (const d of proverDelegators.members(s, p)) bonds += (await getDelegation(s, d, p))!.unbonding.reduce((x, u) => x + u.amount, 0n);
  }
  assert.equal((await getAccount(s, MARKET_BONDS)).balance, bonds, 'bonds account equals the provers\' bonds and delegations');
  let sum = 0n;
  for (const a of [...[...t.users, t.operator].map((u) => decodeAddress(u.address)), MARKET_ESCROW, MARKET_BONDS, PROVER_REWARDS, BONDED_POOL, REWARDS_POOL, UNBONDING_POOL]) sum += (await getAccount(s, a)).balance;
  assert.equal(sum, await totalSupply(s), 'supply is conserved except for mints and burns');
}
