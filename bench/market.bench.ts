/**
 * The proof market: Groth16 fill verifications per second one by one vs in one randomized batch
 * (and snarkjs's verify as a reference), a block's fills one by one, per transaction and in one
 * block batch at 1, 10 and 100 fills per block, blocks per second of market end-of-block execution with
 * 1,000, 10,000 and 100,000 open requests (market-scale.ts), blocks per second of a real chain
 * while 1,000 requests are open, and the time from posting a request to a verified proof on a
 * one-validator devnet served by `quarry node mine --ask`.
 */
import type { AnyMsg } from '../protocol/messages/index.ts';
import { readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { openTestChain, makeTx, deterministicUser } from '../test/helpers/chain.ts';
import { PREIMAGE, PREIMAGE_ID, preimageFill, requestMsg } from '../test/helpers/market.ts';
import { startTestDevnet, faucet } from '../test/helpers/devnet.ts';
import { QuarryProcess } from '../test/helpers/proc.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { circuitFiles } from '../circuits/artifacts.ts';
import { Groth16Verifier } from '../node/market/groth16-verifier.ts';
import { decodeProof } from '../protocol/proof-codec.ts';
import { saveAccountKey } from '../node/crypto/keyfile.ts';
import { decodeAddress } from '../protocol/crypto/address.ts';
import { toHex } from '../protocol/encoding/bytes.ts';
import { buildTx, broadcastTx, type TxResult } from '../client/tx-builder.ts';
import { requestProof, waitForProof } from '../client/market.ts';

import { poseidon1 } from 'poseidon-lite';
import { figure, heading, ratio, sized, timeIt, type BenchOptions } from './util.ts';
import { endBlockScaling, type ScaleSizes } from './market-scale.ts';

interface Sizes {
  /** Fill proofs made; the first warms the verifiers up, the rest are timed. */
  proofs: number;
  /** Proofs timed through snarkjs's verify (the reference). */
  snarkjs: number;
  /** Requests left open before timing (multiples of REQUESTS_PER_TX). */
  open: number;
  idleBlocks: number;
  busyBlocks: number;
  /** Requests added per busy block (a multiple of REQUESTS_PER_TX). */
  busyRequests: number;
  latencySamples: number;
  scale: ScaleSizes;
  /** Fills per block for the block-batch comparison. */
  perBlock: number[];
}
const FULL: Sizes = { proofs: 32, snarkjs: 8, open: 1000, idleBlocks: 20, busyBlocks: 10, busyRequests: 50, latencySamples: 8, scale: { openCounts: [1_000, 10_000, 100_000], warmBlocks: 20, blocks: 100 }, perBlock: [1, 10, 100] };
const SMOKE: Sizes = { proofs: 3, snarkjs: 1, open: 20, idleBlocks: 2, busyBlocks: 2, busyRequests: 10, latencySamples: 1, scale: { openCounts: [20, 50, 100], warmBlocks: 1, blocks: 2 }, perBlock: [1, 4] };
const REQUESTS_PER_TX = 10;
/** Requests opened per block while filling the book (200 would pass the default maxBlockWeight). */
const OPEN_PER_BLOCK = 100;

async function verification(z: Sizes): Promise<void> {
  const fills = await Promise.all(Array.from({ length: z.proofs }, (_, i) => preimageFill(BigInt(i + 1))));
  const items = fills.map((f) => ({ proof: f.proof, publicSignals: f.publicSignals.map(BigInt) }));
  const single = await Groth16Verifier.create();
  const batched = await Groth16Verifier.create();
  try {
    await single.verify(PREIMAGE_ID, PREIMAGE.vk, items.slice(0, 1)); // warm up (prepares the key)
    await batched.verify(PREIMAGE_ID, PREIMAGE.vk, items.slice(0, 1));
    const one = await timeIt(async () => {
      for (const it of items.slice(1)) if (!(await single.verify(PREIMAGE_ID, PREIMAGE.vk, [it]))[0]) throw new Error('a valid proof failed');
    });
    const all = await timeIt(() => batched.verify(PREIMAGE_ID, PREIMAGE.vk, items.slice(1)));
    if (all.value.some((ok) => !ok)) throw new Error('a valid proof failed the batch');
    const vkey = JSON.parse(readFileSync(circuitFiles('poseidon-preimage').vkey, 'utf8'));
    const snark = await timeIt(async () => {
      for (const f of fills.slice(0, z.snarkjs)) {
        const p = decodeProof(f.proof);
        const proof = { pi_a: [...p.a, 1n].map(String), pi_b: [...p.b, [1n, 0n]].map((x) => x.map(String)), pi_c: [...p.c, 1n].map(String), protocol: 'groth16', curve: 'bn128' };
        if (!(await snarkjs.groth16.verify(vkey, f.publicSignals, proof))) throw new Error('snarkjs rejected a valid proof');
      }
    });
    const n = z.proofs - 1;
    const singleRate = (n / one.ms) * 1000;
    const batchRate = (n / all.ms) * 1000;
    figure('fill verifications, one by one', singleRate, 'verifications/s', 1);
    figure(`fill verifications, one batch of ${n}`, batchRate, 'verifications/s', 1);
    ratio('ratio batch / one by one', batchRate / singleRate);
    figure('snarkjs groth16.verify (reference)', (z.snarkjs / snark.ms) * 1000, 'verifications/s', 1);
  } finally {
    await single.close();
    await batched.close();
  }
}

/** Fills a transaction carries in the per-transaction comparison (a prover fulfilling a few locks at once). */
const FILLS_PER_TX = 4;

/**
 * A block's fills checked one by one, in per-transaction batches (the chain before block batching)
 * and in one block batch (docs/market.md §verification), each on a fresh verifier (no cached verdicts).
 */
async function blockBatching(z: Sizes): Promise<void> {
  const most = Math.max(...z.perBlock);
  const items = (await Promise.all(Array.from({ length: most + 1 }, (_, i) => preimageFill(BigInt(10_000 + i))))).map((f) => ({ proof: f.proof, publicSignals: f.publicSignals.map(BigInt) }));
  const rate = async (n: number, groups: number) => {
    const v = await Groth16Verifier.create();
    try {
      await v.verify(PREIMAGE_ID, PREIMAGE.vk, items.slice(most, most + 1)); // prepares the key
      const size = Math.ceil(n / groups);
      const run = await timeIt(async () => {
        for (let g = 0; g < n; g += size) if ((await v.verify(PREIMAGE_ID, PREIMAGE.vk, items.slice(g, Math.min(n, g + size)))).some((ok) => !ok)) throw new Error('a valid proof failed');
      });
      return (n / run.ms) * 1000;
    } finally {
      await v.close();
    }
  };
  for (const n of z.perBlock) {
    const [one, perTx, perBlock] = [await rate(n, n), await rate(n, Math.ceil(n / FILLS_PER_TX)), await rate(n, 1)];
    figure(`${n} fills in a block: one by one / per transaction of ${FILLS_PER_TX} / one block batch`, [one, perTx, perBlock], 'verifications/s', 1);
    ratio(`  ratio block batch / one by one (${n} fills)`, perBlock / one);
  }
}

async function executionWithOpenRequests(z: Sizes): Promise<void> {
  const t = await openTestChain({ users: 21, params: { maxBlockTxs: 10_000n } });
  try {
    const [prover, ...requesters] = t.users;
    const seq = new Map<string, bigint>();
    const tx = (u: typeof prover, msgs: AnyMsg[]) => {
      const s = seq.get(u!.address) ?? 0n;
      seq.set(u!.address, s + 1n);
      return makeTx(u!, msgs, { sequence: s, fee: 2_000_000n });
    };
    // one standing ask priced above every request: none is ever matched, all stay open
    await t.produce([tx(prover, [{ type: 'market/bond', amount: 100_000_000n }, { type: 'market/ask', circuitId: PREIMAGE_ID, price: 10_000n, maxTurnaround: 5n, capacity: 100n }])]);
    let x = 1n;
    const requestTxs = (count: number) =>
      Array.from({ length: count / REQUESTS_PER_TX }, (_, i) => tx(requesters[i % requesters.length], Array.from({ length: REQUESTS_PER_TX }, () => requestMsg(x++, { maxPrice: 1_000n, deadlineBlocks: 5_000n, collateral: 0n }))));
    for (let open = 0; open < z.open; open += OPEN_PER_BLOCK) {
      const block = await t.produce(requestTxs(Math.min(OPEN_PER_BLOCK, z.open - open)));
      if (block.exec.receipts.some((r) => r.code !== 'OK')) throw new Error(`request refused: ${block.exec.receipts.find((r) => r.code !== 'OK')!.log}`);
    }
    const idle = await timeIt(async () => {
      for (let b = 0; b < z.idleBlocks; b++) await t.produce([]);
    });
    const busy = await timeIt(async () => {
      for (let b = 0; b < z.busyBlocks; b++) await t.produce(requestTxs(z.busyRequests));
    });
    const added = z.busyBlocks * z.busyRequests;
    figure(`empty blocks with ${z.open} open requests`, (z.idleBlocks / idle.ms) * 1000, 'blocks/s', 1);
    figure(`blocks adding ${z.busyRequests} requests each (${z.open}→${z.open + added} open)`, (z.busyBlocks / busy.ms) * 1000, 'blocks/s', 1);
    figure('  the same, in requests added', (added / busy.ms) * 1000, 'requests/s');
  } finally {
    await t.close();
  }
}

async function requestToProof(z: Sizes): Promise<void> {
  const net = await startTestDevnet({ validators: 1 });
  const home = tempDir('quarry-bench-market-');
  const requester = deterministicUser(700);
  const prover = deterministicUser(701);
  let miner: QuarryProcess | null = null;
  try {
    const rpc = net.rpc(0);
    const fund = await buildTx(rpc, faucet, [{ type: 'bank/multi-send', outputs: [requester, prover].map((k) => ({ to: decodeAddress(k.address), amount: 1_000_000_000n })) }]);
    if (((await broadcastTx(rpc, fund.bytes)) as TxResult).result.code !== 'OK') throw new Error('funding failed');
    saveAccountKey(home.path, prover);
    miner = new QuarryProcess(['--home', home.path, 'node', 'mine', '--rpc', net.devnet.nodes[0]!.rpc, '--address', prover.address, '--ask', 'poseidon-preimage:1000uqry:20:4', '--bond', '10qry']);
    await miner.waitFor(/market: ready to prove poseidon-preimage/, 120_000);
    const ms: number[] = [];
    for (let i = 0; i < z.latencySamples; i++) {
      const x = 1_000n + BigInt(i);
      const t0 = performance.now();
      const { requestId } = await requestProof(rpc, requester, { circuitId: toHex(PREIMAGE_ID), inputs: { preimage: x, hash: poseidon1([x]) }, maxPrice: 2_000n });
      await waitForProof(rpc, requestId, 60_000, 25);
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    figure(`request → verified proof, median / min / max of ${z.latencySamples}`, [ms[ms.length >> 1]!, ms[0]!, ms[ms.length - 1]!], 'ms');
  } finally {
    await miner?.kill('SIGTERM');
    await net.cleanup();
    home.cleanup();
  }
}

export async function benchMarket(o: BenchOptions): Promise<void> {
  const z = sized(o, FULL, SMOKE);
  heading('market: Groth16 fill verification, execution with open requests, request → proof (devnet, 300 ms blocks)');
  await verification(z);
  await blockBatching(z);
  await endBlockScaling(z.scale);
  await executionWithOpenRequests(z);
  await requestToProof(z);
}
