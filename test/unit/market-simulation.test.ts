/**
 * The proof market's economics with the policy miners run (issue #11, docs/market.md
 * §invariants): every prover decides through `planMarket` (miner/market-policy.ts), fed the
 * requests as the RPC serves them, and acts on a real test chain block by block. The proof check is
 * a stand-in (proofs whose first byte is 1 verify), so hundreds of requests run in seconds; whether
 * a request has a witness is decided by Poseidon, as the real prover's witness generation would.
 *
 * Cast: an honest requester; ten market provers of which three lock and go silent (30 %) and one
 * (the late deliverer) lets its locks time out while its second address, with the next ask, waits
 * for the rotation; an undercutter with the lowest honest ask; a griefer posting requests whose
 * inputs have no witness; a wash trader filling its own requests through the auction; a
 * whitewasher that leaves a slashed address for a fresh one. Checked: ≥ 99 % of satisfiable
 * requests filled before their deadline, conservation after every tenth block, no honest prover
 * slashed and none with negative earnings, silent provers slashed at a loss, the late pair below
 * what on-time delivery pays, wash trading at a loss, every decline charged to the griefer (its
 * net can still be positive: silent provers that lock its requests are slashed in its favour,
 * which is their loss, not an honest prover's), and the fresh address starting at zero.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { poseidon1 } from 'poseidon-lite';
import { openTestChain, makeTx, CHAIN_ID, type TestChain } from '../helpers/chain.ts';
import { assertMarketBalanced, MarketDriver, PREIMAGE_ID, requestMsg } from '../helpers/market.ts';
import { minimumFee } from '../../protocol/tx.ts';
import { planMarket, type MarketAction, type PolicyRequest } from '../../miner/market-policy.ts';
import { marketRequestJson } from '../../node/rpc/json.ts';
import { openRequestIds } from '../../node/modules/market/request-index.ts';
import { getProver, getRequest, reputationPpm } from '../../node/modules/market/state.ts';
import { getAccount } from '../../node/modules/bank/account.ts';
import { getMarketTotals, NO_TOTALS, type MarketTotals } from '../../node/modules/market/totals.ts';
import type { ChainEvent } from '../../node/modules/types.ts';
import { fillCommitment } from '../../node/modules/market/commit-fill.ts';
import { requestId } from '../../protocol/messages/market.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { equalBytes, fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';
import type { ProofVerifier } from '../../node/modules/types.ts';

const stubVerifier: ProofVerifier = { verify: async (_id, _vk, items) => items.map((i) => i.proof[0] === 1) };
const fakeProof = () => Uint8Array.from({ length: 256 }, (_, i) => (i === 0 ? 1 : i % 251));
const PREIMAGE = toHex(PREIMAGE_ID);
const REQUEST_BLOCKS = 100;
const DRAIN_BLOCKS = 45;

type Behaviour = 'honest' | 'silent' | 'late';

interface Prover {
  name: string;
  key: AccountKey;
  behaviour: Behaviour;
  /** Blocks one proof takes. */
  speed: number;
  ask: bigint;
  /** When it starts (block index): the whitewasher's fresh address comes later. */
  from: number;
  done: Set<string>;
  checked: Set<string>;
  unprovable: Set<string>;
  committed: Map<string, { height: bigint; salt: Uint8Array; signals: string[] }>;
  proving: Map<string, bigint>;
}

const wallet = (k: AccountKey) => decodeAddress(k.address);

/** The protocol's minimum fee at the test chain's rate (1 uqry per weight unit), as wallets pay. */
const feeOf = (k: AccountKey, msgs: AnyMsg[], sequence: bigint) => minimumFee({ chainId: CHAIN_ID, signer: k.publicKey, sequence, expiresAtHeight: 0n, msgs }, 1n);

/** The witness exists when the request's hash is Poseidon(preimage), as the circuit demands. */
function satisfiable(r: PolicyRequest): boolean {
  const value = (name: string) => BigInt(r.inputs.find((i) => i.name === name)!.values[0]!);
  return poseidon1([value('preimage')]) === value('hash');
}

const signalsOf = (r: PolicyRequest) => [r.inputs.find((i) => i.name === 'hash')!.values[0]!];

/** A request whose inputs admit no witness (the hash is of another preimage). */
function falseRequest(x: bigint): AnyMsg {
  const msg = requestMsg(x) as AnyMsg & { inputs: Array<{ name: string; values: string[] }> };
  return { ...msg, inputs: msg.inputs.map((i) => (i.name === 'hash' ? { name: 'hash', values: [poseidon1([x + 1n]).toString()] } : i)) } as AnyMsg;
}

/** Every open request as `GET /market/requests` serves it, with the raw record beside it. */
async function marketView(t: TestChain) {
  const state = t.chain.latestState;
  const out = [];
  for await (const id of openRequestIds(state)) {
    const raw = await getRequest(state, id);
    out.push({ raw, json: JSON.parse(JSON.stringify(marketRequestJson(id, raw, t.chain.head.height + 1n))) as PolicyRequest });
  }
  return out;
}

/**
 * The messages a prover sends this block for the actions it can take now. Checks and messages are
 * instant; proofs take `speed` blocks, one at a time (the first unfinished proof stops the list).
 * Silent and late provers only hold what their asks win them: they never deliver.
 */
function act(p: Prover, actions: MarketAction[], height: bigint): AnyMsg[] {
  if (p.behaviour !== 'honest') return [];
  const out: AnyMsg[] = [];
  for (const a of actions) {
    if (a.do === 'reveal') {
      const c = p.committed.get(a.id)!;
      p.committed.delete(a.id);
      out.push({ type: 'market/reveal-fill', requestId: fromHex(a.id), proof: fakeProof(), publicSignals: c.signals, salt: c.salt });
      continue;
    }
    const r = a.request;
    if (a.do === 'lock') return [...out, { type: 'market/lock', requestId: fromHex(r.id) }];
    if (!satisfiable(r)) {
      p.unprovable.add(r.id);
      if (a.do === 'commit' || p.done.has(r.id)) continue;
      p.done.add(r.id);
      out.push({ type: 'market/decline', requestId: fromHex(r.id) });
      continue;
    }
    if (a.do === 'check-locked') {
      p.checked.add(r.id);
      continue;
    }
    if (p.done.has(r.id)) continue;
    const started = p.proving.get(r.id) ?? height;
    p.proving.set(r.id, started);
    if (height < started + BigInt(p.speed)) return out; // still proving
    if (a.do === 'commit') {
      const salt = randomBytes(32);
      p.committed.set(r.id, { height: height + 1n, salt, signals: signalsOf(r) });
      return [...out, { type: 'market/commit-fill', requestId: fromHex(r.id), commitment: fillCommitment(fromHex(r.id), fakeProof(), wallet(p.key), salt) }];
    }
    p.done.add(r.id);
    out.push({ type: 'market/fulfill', requestId: fromHex(r.id), proof: fakeProof(), publicSignals: signalsOf(r) });
  }
  return out;
}

test('the miners\' market policy against silent, late, griefing, wash-trading and whitewashing actors: the invariants hold', { timeout: 600_000 }, async () => {
  const t = await openTestChain({ users: 16, proofs: stubVerifier });
  const d = new MarketDriver(t);
  try {
    const u = t.users;
    const [requester, griefer, washer] = [u[0]!, u[1]!, u[2]!];
    const prover = (i: number, name: string, behaviour: Behaviour, ask: bigint, speed: number, from = 0): Prover => ({ name, key: u[i]!, behaviour, speed, ask, from, done: new Set(), checked: new Set(), unprovable: new Set(), committed: new Map(), proving: new Map() });
    const honest = [0, 1, 2, 3, 4].map((i) => prover(3 + i, `honest-${i}`, 'honest', 220_000n + 20_000n * BigInt(i), 1 + (i % 3)));
    const undercutter = prover(8, 'undercutter', 'honest', 150_000n, 1);
    const silent = [0, 1, 2].map((i) => prover(9 + i, `silent-${i}`, 'silent', 160_000n, 1));
    const late = prover(12, 'late', 'late', 170_000n, 1);
    const lateSecond = prover(13, 'late-second', 'honest', 180_000n, 1);
    const fresh = prover(14, 'whitewasher', 'honest', 155_000n, 1, 60); // silent-0's operator, starting over
    const washProver = prover(2, 'wash-trader', 'honest', 100n, 1);
    const provers = [...honest, undercutter, ...silent, late, lateSecond, fresh, washProver];
    // the wash trader posts no standing ask (it would win everyone's requests at its price): it
    // takes its own requests, priced under every ask, from the auction with the policy
    const bond = (p: Prover) =>
      (p === washProver
        ? [{ type: 'market/bond', amount: 2_000_000n }]
        : [{ type: 'market/bond', amount: 3_000_000n }, { type: 'market/ask', circuitId: PREIMAGE_ID, price: p.ask, maxTurnaround: BigInt(2 * p.speed + 3), capacity: 2n }]) as AnyMsg[];
    const wealth0 = new Map<Prover, bigint>();
    for (const p of provers.filter((x) => x.from === 0)) {
      await d.ok(p.key, bond(p));
      wealth0.set(p, await d.wealth(p.key));
    }
    const start = { griefer: await d.wealth(griefer) };

    const satisfiableIds: Uint8Array[] = [];
    const falseIds: Uint8Array[] = [];
    const washIds: Uint8Array[] = [];
    let gatedToFresh = 0;
    let freshStart: { fresh: bigint; abandoned: bigint; honest: bigint[] } | null = null;
    const fees = new Map<string, bigint>();
    /** The market totals every event of the run adds up to (what GET /market/totals must answer). */
    const seen = { ...NO_TOTALS };
    /** Declines (only ever of false requests: the provers here decline nothing else) and their fees. */
    const declines = { count: 0, fees: 0n };
    /** Requests the late deliverer held, with their lock price and the slash share last seen waiting for a filler. */
    const lateHeld = new Map<string, { price: bigint; fillerReward: bigint }>();
    for (let b = 0; b < REQUEST_BLOCKS + DRAIN_BLOCKS; b++) {
      const height = t.chain.head.height + 1n;
      const seq = async (k: AccountKey) => (await getAccount(t.chain.latestState, wallet(k))).sequence;
      const txs: Array<{ bytes: Uint8Array; kind: 'requests' | 'false' | 'wash' | 'prover' }> = [];
      const next = new Map<string, bigint>();
      const send = async (k: AccountKey, msgs: AnyMsg[], kind: 'requests' | 'false' | 'wash' | 'prover') => {
        const sequence = next.get(k.address) ?? (await seq(k));
        next.set(k.address, sequence + 1n);
        const fee = feeOf(k, msgs, sequence);
        fees.set(k.address, (fees.get(k.address) ?? 0n) + fee);
        txs.push({ bytes: makeTx(k, msgs, { sequence, fee }), kind });
      };
      if (b < REQUEST_BLOCKS) {
        // after 30 blocks, every other request asks for a prover with some record (any at all)
        await send(requester, [0, 1].map((k) => requestMsg(BigInt(10_000 + 2 * b + k), { maxPrice: 1_000_000n, lockBlocks: 6n, deadlineBlocks: 40n, minReputationPpm: b >= 30 && k === 1 ? 1n : 0n })), 'requests');
        if (b % 5 === 2) await send(griefer, [falseRequest(BigInt(50_000 + b))], 'false');
        if (b % 10 === 5) await send(washer, [requestMsg(BigInt(70_000 + b), { minPrice: 100n, maxPrice: 100n, deadlineBlocks: 20n, collateral: 10_000n })], 'wash');
      }
      if (b === fresh.from) {
        await send(fresh.key, bond(fresh), 'prover');
        wealth0.set(fresh, await d.wealth(fresh.key));
      }
      const open = await marketView(t);
      for (const o of open) {
        const held = lateHeld.get(o.json.id);
        if (held) held.fillerReward = o.raw.fillerReward;
        else if (o.raw.status === 'locked' && equalBytes(o.raw.lock!.prover, wallet(late.key))) lateHeld.set(o.json.id, { price: o.raw.lock!.price, fillerReward: 0n });
      }
      const repOf = async (p: Prover) => reputationPpm(await getProver(t.chain.latestState, wallet(p.key)));
      const freshRep = await repOf(fresh);
      if (b === fresh.from + 1) {
        const records = await Promise.all(honest.map(async (p) => ({ rep: await repOf(p), fills: (await getProver(t.chain.latestState, wallet(p.key))).onTime })));
        freshStart = { fresh: freshRep, abandoned: await repOf(silent[0]!), honest: records.filter((r) => r.fills > 0n).map((r) => r.rep) };
      }
      for (const p of provers.filter((x) => x.from === 0 || b > x.from)) {
        const mine = open.filter((o) => o.raw.status === 'locked' && equalBytes(o.raw.lock!.prover, wallet(p.key)));
        if (p === fresh) gatedToFresh += mine.filter((o) => o.raw.minReputationPpm > freshRep && !p.proving.has(o.json.id)).length;
        const actions = planMarket(
          { height: t.chain.head.height, locked: mine.map((o) => o.json), openFill: open.filter((o) => o.raw.status === 'open-fill').map((o) => o.json), open: open.filter((o) => o.raw.status === 'open').map((o) => o.json) },
          { askPrice: new Map([[PREIMAGE, p.ask]]), done: p.done, checked: p.checked, unprovable: p.unprovable, committed: p.committed, proofSeconds: () => p.speed, miningRate: 0 },
        );
        for (const msg of act(p, actions, height)) await send(p.key, [msg], 'prover');
      }
      const block = await t.produce(txs.map((x) => x.bytes));
      assert.equal(block.exec.rejected.length, 0, block.exec.rejected[0]?.error.message);
      for (const e of [...block.exec.receipts.flatMap((r) => r.events), ...block.exec.events]) countEvent(seen, e);
      txs.forEach((x, i) => {
        const id = (k: number) => requestId(decodeTx(x.bytes).hash, k);
        for (const e of block.exec.receipts[i]?.events ?? []) {
          if (e.type !== 'market-decline') continue;
          declines.count++;
          declines.fees += BigInt(e.fee as string);
        }
        if (block.exec.receipts[i]?.code !== 'OK') return;
        if (x.kind === 'requests') satisfiableIds.push(id(0), id(1));
        if (x.kind === 'false') falseIds.push(id(0));
        if (x.kind === 'wash') washIds.push(id(0));
      });
      if (b % 10 === 0) await assertMarketBalanced(t);
    }
    await assertMarketBalanced(t);
    const state = t.chain.latestState;
    assert.deepEqual(await getMarketTotals(state), seen, 'the totals in state are the sum of the events');
    assert.ok(seen.slashes > 0n && seen.declines > 0n && seen.fulfilled > 0n, 'the run exercised fills, slashes and declines');

    // ≥ 99 % of satisfiable requests filled before their deadline, with 30 % of provers silent
    let filled = 0;
    for (const id of satisfiableIds) if ((await getRequest(state, id)).status === 'fulfilled') filled++;
    process.stdout.write(`market simulation: ${filled}/${satisfiableIds.length} filled; ${falseIds.length} false requests; ${washIds.length} wash trades\n`);
    assert.ok(filled / satisfiableIds.length >= 0.99, `filled ${filled} of ${satisfiableIds.length}`);

    // honest provers: never slashed (false requests declined), earnings never negative
    for (const p of [...honest, undercutter, lateSecond]) {
      const record = await getProver(state, wallet(p.key));
      assert.equal(record.slashed, 0n, `${p.name} was never slashed`);
      assert.ok((await d.wealth(p.key)) >= wealth0.get(p)!, `${p.name} earned: ${(await d.wealth(p.key)) - wealth0.get(p)!}`);
    }
    assert.ok(honest.some((p) => p.unprovable.size > 0), 'false requests reached honest provers, who declined them');
    for (const id of falseIds) assert.notEqual((await getRequest(state, id)).status, 'fulfilled');

    // silent provers are slashed and lose; the griefer pays for every false request beyond its fees
    for (const p of silent) {
      assert.ok((await getProver(state, wallet(p.key))).slashed > 0n, `${p.name} was slashed`);
      assert.ok((await d.wealth(p.key)) < wealth0.get(p)!, `${p.name} lost money`);
    }
    // the griefer paid 10 % of the price for every decline (burned): what it made its victims check
    assert.ok(declines.count > 0, 'false requests were declined');
    assert.ok(declines.fees >= (BigInt(declines.count) * 150_000n) / 10n, `decline fees ${declines.fees} for ${declines.count} declines`);
    process.stdout.write(`griefer: ${falseIds.length} false requests, ${declines.count} declines, ${declines.fees} uqry of decline fees burned from its escrow; its net ${(await d.wealth(griefer)) - start.griefer} uqry (slash shares from silent provers that locked its requests included)\n`);

    // delay never pays: on the requests the late deliverer held, it and its second address together
    // (counting every payment and slash share the second one collected on them, before its fees)
    // earn less than delivering on time would have (lock price less the 1 % fee and one fee each)
    assert.ok(lateHeld.size > 0, 'the late deliverer held locks');
    let lateGain = (await d.wealth(late.key)) - wealth0.get(late)!;
    let onTime = 0n;
    const fulfilFee = feeOf(late.key, [{ type: 'market/fulfill', requestId: new Uint8Array(32), proof: fakeProof(), publicSignals: ['1'.repeat(77)] }], 0n);
    for (const [id, held] of lateHeld) {
      const r = await getRequest(state, fromHex(id));
      if (r.filledBy && equalBytes(r.filledBy, wallet(lateSecond.key))) lateGain += r.paid + held.fillerReward;
      onTime += held.price - (held.price + 99n) / 100n - fulfilFee;
    }
    process.stdout.write(`late deliverer: held ${lateHeld.size} locks; with its second address it gained ${lateGain} uqry, on time ${onTime}\n`);
    assert.ok(lateGain < onTime, `late pair gained ${lateGain}, on time it would have been ${onTime}`);

    // the wash trader fills its own requests through the auction and loses on every one
    assert.ok(washIds.length > 0 && (await getRequest(state, washIds[0]!)).status === 'fulfilled', 'the wash trades went through');
    assert.ok((await d.wealth(washer)) < wealth0.get(washProver)!, 'wash trading loses money');

    // the whitewasher's fresh address started no better than the slashed address it left (and below
    // every honest prover with a record), and got no request asking for a record until it had one
    assert.ok(freshStart, 'the fresh address was observed when it started');
    assert.equal(freshStart.fresh, 0n, 'a fresh address starts at zero reputation');
    assert.ok(freshStart.fresh <= freshStart.abandoned, `not ahead of the record it shed (${freshStart.abandoned} ppm)`);
    assert.ok(freshStart.honest.every((rep) => rep > freshStart!.fresh), `below every honest prover with a record: ${freshStart.honest.join(', ')} ppm`);
    assert.equal(gatedToFresh, 0, 'no reputation-gated request was matched to the fresh address while it had no record');
  } finally {
    await t.close();
  }
});

/** Adds one chain event to the totals it stands for (docs/market.md §totals). */
function countEvent(t: MarketTotals, e: ChainEvent): void {
  const amount = (k: string) => BigInt(e[k] as string);
  if (e.type === 'market-request') t.requests++;
  else if (e.type === 'market-fill') {
    t.fulfilled++;
    t.paid += amount('price');
    if (e.onTime === true) t.onTime++;
    if (e.cached === true) {
      t.fromCache++;
      t.requests++; // a cache hit emits no market-request
    }
  } else if (e.type === 'market-slash') {
    t.slashes++;
    t.slashedCollateral += amount('amount');
  } else if (e.type === 'market-decline') t.declines++;
  else if (e.type === 'market-expired') t.expired++;
  else if (e.type === 'market-cancelled') t.cancelled++;
}
