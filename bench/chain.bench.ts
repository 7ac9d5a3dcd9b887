/**
 * Transfers applied per second by the node, as a validator applies a proposed block: decode and
 * verify every transaction, execute, update the SMT and commit in one LevelDB batch. Printed next
 * to raw ed25519 verifications per second measured in the same run (the ratio is the figure), and
 * SMT updates per second on LevelDB.
 */
import type { AnyMsg } from '../protocol/messages/index.ts';
import { openTestChain, makeTx, sendMsg, deterministicKey } from '../test/helpers/chain.ts';
import { decodeTx } from '../node/tx/tx.ts';
import { txSignBytes } from '../protocol/tx.ts';
import { verify } from '../node/crypto/ed25519.ts';
import { decodeAddress } from '../protocol/crypto/address.ts';
import { Database } from '../node/store/db.ts';
import { StateDb } from '../node/state/state-db.ts';
import { Overlay } from '../node/state/view.ts';
import { transfer, transferMany } from '../node/modules/bank/account.ts';
import { sha256 } from '../node/crypto/hash.ts';
import { toHex, u64be } from '../protocol/encoding/bytes.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { verifyCommit } from '../consensus/commit.ts';
import { preverifyRange } from '../node/chain/apply-synced.ts';
import { startVerifyThread } from '../node/crypto/verify-thread.ts';
import { MAX_BLOCKS_PER_REQUEST } from '../node/p2p/messages.ts';
import { headerHash } from '../node/types/block.ts';
import { figure, heading, ratio, sized, timeIt, type BenchOptions } from './util.ts';

interface Sizes {
  /** Empty blocks a second store applies as block sync does. */
  syncBlocks: number;
  senders: number;
  blocks: number;
  /** Signatures verified per round, and rounds, for the raw ed25519 rate. */
  sample: number;
  rounds: number;
  smtBatch: number;
  smtVersions: number;
  /** Flood transactions (1,792 multi-send outputs each) in the multi-send block. */
  floodTxs: number;
}
export const CHAIN_FULL: Sizes = { syncBlocks: 1000, senders: 2000, blocks: 4, sample: 1000, rounds: 4, smtBatch: 2000, smtVersions: 25, floodTxs: 4 };
export const CHAIN_SMOKE: Sizes = { syncBlocks: 5, senders: 20, blocks: 2, sample: 20, rounds: 1, smtBatch: 50, smtVersions: 3, floodTxs: 1 };

/**
 * Cold: every transaction decoded and signature-checked (block sync, or a validator that never saw
 * them); warm: the transactions are already in the validator's mempool (KnownTxs), the usual case
 * for a proposal. Both verify the same block against the same head; the warm result is committed.
 */
export async function transfersPerSecond(z: Sizes): Promise<{ tps: number; warmTps: number; vps: number }> {
  const t = await openTestChain({ users: z.senders, params: { maxBlockTxs: 10_000n } });
  try {
    const receiver = deterministicKey('outsider', 0);
    const proposer = decodeAddress(t.operator.address);
    let applied = 0;
    let ms = 0;
    let warmMs = 0;
    for (let b = 0; b < z.blocks; b++) {
      const txs = t.users.map((u) => decodeTx(makeTx(u, [sendMsg(receiver, 1n)], { sequence: BigInt(b) })));
      const pending = new Map(txs.map((tx) => [toHex(tx.hash), tx]));
      const built = await t.builder.buildBlock({ txs, solutions: [], evidence: [] }, { time: t.chain.head.time + 1000n, proposer, lastCommit: (await t.chain.getCommit(t.chain.head.height)) ?? null });
      const cold = await timeIt(() => t.builder.verifyBlock(built.block));
      const warm = await timeIt(() => t.builder.verifyBlock(built.block, (hash) => pending.get(toHex(hash))));
      const write = await timeIt(() => t.commitCandidate(warm.value));
      if (b === 0 && z.blocks > 1) continue; // the first block warms the JIT: steady state is what a node runs at
      ms += cold.ms + write.ms;
      warmMs += warm.ms + write.ms;
      applied += built.txs.length;
    }
    const sample = t.users.slice(0, z.sample).map((u) => decodeTx(makeTx(u, [sendMsg(receiver, 1n)], { sequence: 99n })).tx);
    const { rounds } = z;
    const v = await timeIt(() => {
      let ok = 0;
      for (let r = 0; r < rounds; r++) for (const tx of sample) ok += Number(verify(tx.signature, txSignBytes(tx.body), tx.body.signer));
      return ok;
    });
    if (v.value !== sample.length * rounds) throw new Error('signature check failed in the benchmark');
    return { tps: (applied / ms) * 1000, warmTps: (applied / warmMs) * 1000, vps: ((sample.length * rounds) / v.ms) * 1000 };
  } finally {
    await t.close();
  }
}

/**
 * Multi-send outputs applied per second, as a validator verifies a block of the flood transactions
 * of the testnet (28 multi-sends of 64 outputs each, to 64 recipients): the heaviest block work a
 * sender can buy per weight unit.
 */
async function multiSendOutputsPerSecond(z: Sizes): Promise<number> {
  const t = await openTestChain({ users: z.floodTxs });
  try {
    const recipients = Array.from({ length: 64 }, (_, i) => decodeAddress(deterministicKey('outsider', i + 1).address));
    const msg = { type: 'bank/multi-send', outputs: recipients.map((to) => ({ to, amount: 1n })) } as AnyMsg;
    const txs = t.users.map((u) => decodeTx(makeTx(u, Array.from({ length: 28 }, () => msg), { sequence: 0n, fee: 10_000_000n })));
    const pending = new Map(txs.map((tx) => [toHex(tx.hash), tx]));
    const built = await t.builder.buildBlock({ txs, solutions: [], evidence: [] }, { time: t.chain.head.time + 1000n, proposer: decodeAddress(t.operator.address), lastCommit: (await t.chain.getCommit(t.chain.head.height)) ?? null });
    if (built.txs.length !== txs.length) throw new Error('the flood block lost transactions');
    const timed = await timeIt(() => t.builder.verifyBlock(built.block, (hash) => pending.get(toHex(hash))));
    return ((txs.length * 28 * 64) / timed.ms) * 1000;
  } finally {
    await t.close();
  }
}

/** The state work of a multi-send alone, both ways on the same state: one read and write per account vs per output. */
async function outputsBothWays(z: Sizes): Promise<{ many: number; oneByOne: number }> {
  const t = await openTestChain({ users: 1 });
  try {
    const from = decodeAddress(t.users[0]!.address);
    const outputs = Array.from({ length: z.floodTxs * 28 * 64 }, (_, i) => ({ to: decodeAddress(deterministicKey('outsider', 1 + (i % 64)).address), amount: 1n }));
    const many = await timeIt(() => transferMany(new Overlay(t.chain.latestState), from, outputs));
    const oneByOne = await timeIt(async () => {
      const state = new Overlay(t.chain.latestState);
      for (const o of outputs) await transfer(state, from, o.to, o.amount);
    });
    return { many: (outputs.length / many.ms) * 1000, oneByOne: (outputs.length / oneByOne.ms) * 1000 };
  } finally {
    await t.close();
  }
}

async function smtUpdatesPerSecond(batch: number, versions: number): Promise<number> {
  const dir = tempDir();
  const db = await Database.open(dir.path);
  try {
    const state = new StateDb(db);
    let ms = 0;
    for (let v = 0; v < versions; v++) {
      // half new keys, half updates of keys written in the previous batch
      const changes = Array.from({ length: batch }, (_, i) => ({ key: sha256(u64be(i % 2 === 0 || v === 0 ? v * batch + i : (v - 1) * batch + i)), value: u64be(v) }));
      ms += (await timeIt(async () => {
        const commit = await state.prepare(v === 0 ? null : BigInt(v - 1), BigInt(v), changes);
        await db.write(commit.batch);
        state.committed(commit);
      })).ms;
    }
    return ((batch * versions) / ms) * 1000;
  } finally {
    await db.close();
    dir.cleanup();
  }
}

/**
 * Empty blocks applied the way block sync applies them, in ranges of 100 (commit certificate
 * checked against the set, block re-executed, one batch written), per phase: as block sync does
 * (a range's signatures batch-checked by `preverifyRange` on the verify thread while the range
 * before it executes, one fsync at the range's end, docs/storage.md §sync writes; the batch phase
 * is the wait for it) or each block alone (every signature and write on its own, in line): the
 * ceiling of a full node's sync before any network cost.
 */
async function syncApply(blocks: number, asSync: boolean): Promise<{ perSecond: number; phases: number[] }> {
  const [source, target] = [await openTestChain(), await openTestChain()];
  try {
    for (let i = 0; i < blocks; i++) await source.produce();
    const ranges: Array<Parameters<typeof preverifyRange>[1]> = [];
    for (let from = 1n; from <= BigInt(blocks); from += BigInt(MAX_BLOCKS_PER_REQUEST)) {
      const range: Parameters<typeof preverifyRange>[1] = [];
      for (let h = from; h < from + BigInt(MAX_BLOCKS_PER_REQUEST) && h <= BigInt(blocks); h++) range.push({ block: (await source.chain.getBlock(h))!.block, commit: (await source.chain.getCommit(h))! });
      ranges.push(range);
    }
    const phases: [number, number, number, number] = [0, 0, 0, 0];
    let checking = asSync ? preverifyRange(target.chain, ranges[0]!) : null;
    for (const [r, range] of ranges.entries()) {
      if (checking) phases[0] += (await timeIt(() => checking!)).ms;
      checking = asSync && ranges[r + 1] ? preverifyRange(target.chain, ranges[r + 1]!) : null;
      for (const [i, { block, commit }] of range.entries()) {
        const h = block.header.height;
        phases[1] += (await timeIt(async () => verifyCommit(target.chain.chainId, (await target.chain.activeSet()).set, commit, h, headerHash(block.header)))).ms;
        const executed = await timeIt(() => target.builder.verifyBlock(block));
        phases[2] += executed.ms;
        phases[3] += (await timeIt(() => target.chain.commit(executed.value, commit, !asSync || i === range.length - 1))).ms;
      }
    }
    const total = phases.reduce((a, b) => a + b, 0);
    return { perSecond: (blocks / total) * 1000, phases: phases.map((ms) => ms / blocks) };
  } finally {
    await source.close();
    await target.close();
  }
}

export async function benchChain(o: BenchOptions): Promise<void> {
  const z = sized(o, CHAIN_FULL, CHAIN_SMOKE);
  await startVerifyThread(); // a node starts it on first use; here the first timed block would check in line
  heading('chain: transfers applied vs ed25519 verifications (same run)');
  const { tps, warmTps, vps } = await transfersPerSecond(z);
  figure(`transfers applied, cold (${z.blocks - 1} blocks of ${z.senders} after one untimed, every signature checked, on the verify thread)`, tps, 'transfers/s');
  figure('transfers applied, warm (the same blocks, transactions already in the mempool)', warmTps, 'transfers/s');
  figure('ed25519 verifications (node:crypto)', vps, 'verifications/s');
  ratio('ratio transfers (cold) / verifications', tps / vps, 3);
  ratio('ratio transfers (warm) / verifications', warmTps / vps, 3);
  figure(`multi-send outputs applied (a block of ${z.floodTxs} flood transactions)`, await multiSendOutputsPerSecond(z), 'outputs/s');
  const both = await outputsBothWays(z);
  figure('  state work only: each account once (transferMany)', both.many, 'outputs/s');
  figure('  state work only: one transfer per output (before)', both.oneByOne, 'outputs/s');
  ratio('  ratio', both.many / both.oneByOne, 2);
  heading('sync: empty blocks applied from a peer, in process (no network)');
  const single = await syncApply(z.syncBlocks, false);
  const batched = await syncApply(z.syncBlocks, true);
  figure(`blocks applied (${z.syncBlocks} empty), each alone (signatures, fsync)`, single.perSecond, 'blocks/s');
  figure('  per block: batch / commit check / re-execution / write', single.phases, 'ms', 2);
  figure(`blocks applied (${z.syncBlocks} empty), as sync does (a range's signatures beside the range before, one fsync)`, batched.perSecond, 'blocks/s');
  figure('  per block: batch / commit check / re-execution / write', batched.phases, 'ms', 2);
  ratio('  ratio as sync does / each alone', batched.perSecond / single.perSecond, 2);
  heading('state: SMT on LevelDB');
  figure(`SMT updates (${z.smtVersions} batches of ${z.smtBatch})`, await smtUpdatesPerSecond(z.smtBatch, z.smtVersions), 'updates/s');
}
