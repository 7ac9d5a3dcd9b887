/**
 * Market end-of-block execution against the number of open requests (issue #11 "Scale",
 * docs/market.md §due-index): the same blocks run over 1,000, 10,000 and 100,000 open requests,
 * and blocks per second must stay flat. The open requests are written straight into a LevelDB
 * state through the market's own `putRequest` (executing 100,000 request transactions would take
 * long and measure signatures and escrow, not end-of-block work). Each timed block reads the
 * LevelDB state through a memoizing overlay as a block does, opens new requests, settles the ones
 * due (relists, expiries, lock timeouts) and runs a marked circuit's matching scan against an ask
 * too dear for every request (its worst case); that is timed. Its changes are then written back
 * to LevelDB, untimed (a synced write measures the disk; the SMT update is not market work).
 */
import { sha256 } from '../node/crypto/hash.ts';
import { Database, key, Prefix, WriteBatch } from '../node/store/db.ts';
import { NO_ID } from '../node/state/record.ts';
import { Overlay, type StateReader } from '../node/state/view.ts';
import type { ChainEvent } from '../node/modules/types.ts';
import { marketEndBlock, MATCH_SCAN_LIMIT } from '../node/modules/market/end-block.ts';
import { putRequest, scheduleMatching } from '../node/modules/market/request-index.ts';
import { askers, askId, asks, DEFAULT_MARKET_PARAMS, EMPTY_PROVER, marketParams, provers, type ProofRequest } from '../node/modules/market/state.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { figure, ratio } from './util.ts';

export interface ScaleSizes {
  openCounts: number[];
  warmBlocks: number;
  blocks: number;
}

const CIRCUIT = sha256(new Uint8Array([0x51]));
const PROVER = new Uint8Array(20).fill(0x51);
const FAR = 10_000_000n;
const START = 1_000n;
/** Per block: requests opened, relisted, expired, and locks that time out. */
const PER_BLOCK = { opened: 10, relists: 5, expiries: 2, timeouts: 3 };

let serial = 0;
const nextId = () => sha256(new TextEncoder().encode(`bench/market-scale/${serial++}`));

function request(o: Partial<ProofRequest>): ProofRequest {
  return {
    requester: new Uint8Array(20).fill(1), circuitId: CIRCUIT, inputs: [{ name: 'x', values: [String(serial)] }], minPrice: 0n, maxPrice: 1_000n, rampBlocks: 0n,
    lockBlocks: 0n, deadline: FAR, collateral: 0n, minReputationPpm: 0n, escalationCap: 5_000n, escrow: 0n, fillerReward: 0n, createdAt: 0n, listedAt: 0n,
    status: 'open', lock: null, reservation: null, filledBy: null, paid: 0n, relists: 0n, declinedBy: [], owedTo: [], mode: 'book', drawAt: 0n, winners: 1n, racers: [], sealed: null, ...o,
  };
}

/** What comes due at `height` (relisted ones next come due after the run; escrow 0, so expiries and slashes move no money and need no bank state). */
async function scheduleDue(s: Overlay, height: bigint): Promise<void> {
  for (let i = 0; i < PER_BLOCK.relists; i++) await putRequest(s, nextId(), request({ deadline: height, listedAt: height - 1_000n }));
  for (let i = 0; i < PER_BLOCK.expiries; i++) await putRequest(s, nextId(), request({ deadline: height, maxPrice: 5_000n }));
  const lock = { prover: PROVER, price: 0n, lockedAt: height - 10n, expiresAt: height - 1n, collateral: 0n, viaAsk: false, awaitingSeal: 0n, sealedAt: 0n };
  for (let i = 0; i < PER_BLOCK.timeouts; i++) await putRequest(s, nextId(), request({ status: 'locked', maxPrice: 0n, escalationCap: 0n, lock }));
}

function levelState(db: Database): StateReader {
  return { get: (k) => db.get(key(Prefix.state, k)), getMany: (keys) => db.getMany(keys.map((k) => key(Prefix.state, k))) };
}

async function commit(db: Database, o: Overlay): Promise<void> {
  const batch = new WriteBatch();
  for (const c of o.changes()) c.value ? batch.put(key(Prefix.state, c.key), c.value) : batch.del(key(Prefix.state, c.key));
  await db.write(batch);
}

async function seed(db: Database, open: number, heights: bigint[]): Promise<void> {
  const s = new Overlay({ get: async () => undefined }); // the database is empty
  marketParams.put(s, NO_ID, { ...DEFAULT_MARKET_PARAMS, maxOpenRequests: 1_000_000n });
  provers.put(s, PROVER, { ...EMPTY_PROVER, bond: 1_000_000_000n });
  askers.put(s, CIRCUIT, { provers: [PROVER] });
  asks.put(s, askId(PROVER, CIRCUIT), { price: 1_000_000n, maxTurnaround: 5n, capacity: 10n, active: 0n, createdAt: 0n });
  for (let i = 0; i < open; i++) await putRequest(s, nextId(), request({}));
  for (const h of heights) await scheduleDue(s, h);
  await commit(db, s);
}

/** One block: new requests and an ask re-posted (a matching mark), then the market's end of block; returns its execution time. */
async function block(db: Database, height: bigint): Promise<number> {
  const s = new Overlay(levelState(db), { memoize: true });
  const started = performance.now();
  for (let i = 0; i < PER_BLOCK.opened; i++) await putRequest(s, nextId(), request({ createdAt: height, listedAt: height }));
  await scheduleMatching(s, height, CIRCUIT);
  const events: ChainEvent[] = [];
  await marketEndBlock(s, height, events);
  const ms = performance.now() - started;
  if (events.length !== PER_BLOCK.relists + PER_BLOCK.expiries + PER_BLOCK.timeouts) throw new Error(`block ${height}: ${events.length} market events, expected the due ones only`);
  await commit(db, s);
  return ms;
}

/**
 * Blocks per second at each size. The sizes run block by block in turn (one block at each size,
 * then the next), so load from elsewhere on the machine falls on all of them alike.
 */
async function blocksPerSecond(z: ScaleSizes): Promise<number[]> {
  const heights = Array.from({ length: z.warmBlocks + z.blocks }, (_, i) => START + BigInt(i));
  const dirs = z.openCounts.map(() => tempDir('quarry-bench-market-scale-'));
  const dbs: Database[] = [];
  try {
    for (const [i, open] of z.openCounts.entries()) {
      dbs.push(await Database.open(dirs[i]!.path));
      await seed(dbs[i]!, open, heights);
    }
    const ms = z.openCounts.map(() => 0);
    for (const [n, h] of heights.entries()) {
      for (const [i, db] of dbs.entries()) {
        const t = await block(db, h);
        if (n >= z.warmBlocks) ms[i]! += t;
      }
    }
    return ms.map((t) => (z.blocks / t) * 1000);
  } finally {
    for (const db of dbs) await db.close();
    for (const d of dirs) d.cleanup();
  }
}

export async function endBlockScaling(z: ScaleSizes): Promise<void> {
  const rates = await blocksPerSecond(z);
  const { opened, relists, expiries, timeouts } = PER_BLOCK;
  figure(`market blocks, ${z.openCounts.map((n) => n.toLocaleString('en-US')).join(' / ')} open`, rates, 'blocks/s', 1);
  figure(`  each ${opened} new, ${relists} relisted, ${expiries} expired, ${timeouts} slashed, ${MATCH_SCAN_LIMIT} tried`, rates.map((r) => r * (opened + relists + expiries + timeouts)), 'requests/s');
  ratio(`ratio ${z.openCounts.at(-1)!.toLocaleString('en-US')} open / ${z.openCounts[0]!.toLocaleString('en-US')} open`, rates.at(-1)! / rates[0]!);
}
