/**
 * Devnets of 1, 4 and 7 validator processes (one of two in the smoke run) on loopback (real libp2p, BLS, LevelDB) at the
 * devnet's settings (1 s block time, default round timeouts): block interval median and 99th
 * percentile idle and under a transfer load offered faster than the network commits (256
 * senders, each submitting its next transfer as soon as the node answered), transfers committed
 * per second beside what one node applies alone in the same run, the heights that needed a second
 * round, and the sync speed of a fresh full node. QUARRY_BENCH_LOG=<file> writes each devnet's logs to <file>.<validators>.
 */
import { join } from 'node:path';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { CHAIN_FULL, CHAIN_SMOKE, transfersPerSecond } from './chain.bench.ts';
import { startTestDevnet, faucet, until, type TestDevnet } from '../test/helpers/devnet.ts';
import type { AnyMsg } from '../protocol/messages/index.ts';
import { MAX_OUTPUTS } from '../protocol/messages/bank.ts';
import { QuarryProcess } from '../test/helpers/proc.ts';
import { DEFAULT_TIMEOUTS } from '../consensus/engine.ts';
import { writeDefaultConfig } from '../node/config.ts';
import { RpcClient } from '../client/rpc.ts';
import { buildTx } from '../client/tx-builder.ts';
import { decodeAddress } from '../protocol/crypto/address.ts';
import { accountKeyFromPair } from '../node/crypto/keyfile.ts';
import { generateKeyPair } from '../protocol/crypto/ed25519.ts';
import { encodeSignedTx, txSignBytes, type TxBody } from '../protocol/tx.ts';
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { toHex } from '../protocol/encoding/bytes.ts';

import { figure, heading, ratio, sized, type BenchOptions } from './util.ts';

interface Sizes {
  /** A devnet of each size in turn. */
  validators: number[];
  warmup: number;
  /** Idle blocks sampled. */
  sample: number;
  senders: number;
  loadSeconds: number;
}
const FULL: Sizes = { validators: [1, 4, 7], warmup: 10, sample: 60, senders: 256, loadSeconds: 30 };
const SMOKE: Sizes = { validators: [2], warmup: 2, sample: 3, senders: 4, loadSeconds: 2 };
/** The devnet's defaults (`quarry devnet`, node config): what a user's network runs. */
const BLOCK_TIME_MS = 1000;

/** How long a sender whose transaction was refused (its per-sender queue full, a race) waits to retry. */
const RETRY_MS = 50;

function stats(intervals: number[]): { median: number; p99: number } {
  const s = [...intervals].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! };
}

/** Block intervals, transactions and the heights decided after round 0 (a failed round each). */
async function intervals(rpc: RpcClient, from: bigint, to: bigint): Promise<{ ms: number[]; txs: number; lateRounds: number }> {
  const ms: number[] = [];
  let txs = 0;
  let lateRounds = 0;
  let prev: number | null = null;
  for (let h = from; h <= to; h++) {
    const b = await rpc.get<{ header: { time: string }; txs: unknown[] }>(`/blocks/${h}`);
    const t = Number(b.header.time);
    if (prev !== null) ms.push(t - prev);
    prev = t;
    txs += b.txs.length;
    if ((await rpc.get<{ round: number }>(`/commits/${h}`)).round > 0) lateRounds++;
  }
  return { ms, txs, lateRounds };
}

type Sender = ReturnType<typeof accountKeyFromPair> & { key: KeyObject };

/** PKCS#8 DER prefix of a raw 32-byte Ed25519 secret key (RFC 8410). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Signs with node:crypto (OpenSSL), the same signatures as the wallet's @noble/curves: the
 * generator must not spend the cores the validators share with it (noble signing was a sixth of
 * the run's CPU).
 */
const signFast = (body: TxBody, key: KeyObject): Uint8Array => encodeSignedTx(body, nodeSign(null, txSignBytes(body), key));

/** Funds the senders from the faucet in one transaction of multi-sends. */
async function fundSenders(net: TestDevnet, count: number): Promise<Sender[]> {
  const rpc = net.rpc(0);
  const senders = Array.from({ length: count }, (_, i) => {
    const pair = generateKeyPair();
    return { ...accountKeyFromPair(`s${i}`, pair), key: createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, pair.secretKey]), format: 'der', type: 'pkcs8' }) };
  });
  const msgs: AnyMsg[] = [];
  for (let i = 0; i < senders.length; i += MAX_OUTPUTS) {
    msgs.push({ type: 'bank/multi-send', outputs: senders.slice(i, i + MAX_OUTPUTS).map((s) => ({ to: decodeAddress(s.address), amount: 1_000_000_000n })) });
  }
  const fund = await buildTx(rpc, faucet, msgs);
  await rpc.post('/txs', { tx: toHex(fund.bytes) });
  const last = senders[senders.length - 1]!.address;
  await until('funded senders', async () => BigInt((await rpc.get<{ balance: string }>(`/accounts/${last}`)).balance) > 0n);
  return senders;
}

/**
 * Offers transfers for `loadSeconds`: every sender submits its next transaction as soon as the
 * node answered the last (sender i to validator i mod n, so each sender's sequences reach one
 * node in order), with all senders concurrent. The network, not the generator, must be the
 * limit: the caller reports how many are still pending at the end. Returns the count submitted.
 */
async function offerLoad(net: TestDevnet, chainId: string, senders: Sender[], z: { validators: number; loadSeconds: number }): Promise<number> {
  const end = Date.now() + z.loadSeconds * 1000;
  let submitted = 0;
  await Promise.all(
    senders.map(async (s, i) => {
      const rpc = net.rpc(i % z.validators);
      let sequence = 0n;
      while (Date.now() < end) {
        const bytes = signFast({ chainId, signer: s.publicKey, sequence, fee: 2_000n, expiresAtHeight: 0n, msgs: [{ type: 'bank/send', to: decodeAddress(faucet.address), amount: 1n }] }, s.key);
        try {
          await rpc.post('/txs', { tx: toHex(bytes) });
          sequence++;
          submitted++;
        } catch {
          await new Promise((r) => setTimeout(r, RETRY_MS)); // the sender's queue is full: wait for a block
        }
      }
    }),
  );
  return submitted;
}

export async function benchConsensus(o: BenchOptions): Promise<void> {
  const z = sized(o, FULL, SMOKE);
  heading('consensus: the reference, one node alone on the quiet machine');
  const { tps: alone } = await transfersPerSecond(sized(o, CHAIN_FULL, CHAIN_SMOKE));
  figure('transfers one node applies alone (cold, the chain benchmark)', alone, 'transfers/s');
  for (const validators of z.validators) await benchNetwork({ ...z, validators }, alone);
}

/** One devnet of `validators` processes: idle, under load, then a fresh full node's sync. */
async function benchNetwork(z: Omit<Sizes, 'validators'> & { validators: number }, alone: number): Promise<void> {
  heading(`consensus: ${z.validators} validator process${z.validators === 1 ? '' : 'es'} on loopback`);
  const net = await startTestDevnet({ validators: z.validators, blockTimeMs: BLOCK_TIME_MS, timeouts: DEFAULT_TIMEOUTS });
  let full: QuarryProcess | null = null;
  try {
    const rpc = net.rpc(0);
    await until('warm-up blocks', async () => (await net.height(0)) >= BigInt(z.warmup), 180_000);
    const idleFrom = await net.height(0);
    await until('idle sample', async () => (await net.height(0)) >= idleFrom + BigInt(z.sample), 300_000);
    const idle = stats((await intervals(rpc, idleFrom, idleFrom + BigInt(z.sample))).ms);
    figure('idle block interval, median / p99', [idle.median, idle.p99], 'ms');

    const senders = await fundSenders(net, z.senders);
    const { chainId } = await rpc.get<{ chainId: string }>('/status');
    const loadFrom = await net.height(0);
    const submitted = await offerLoad(net, chainId, senders, z);
    const loadTo = await net.height(0);
    const load = await intervals(rpc, loadFrom, loadTo);
    const loaded = stats(load.ms);
    const seconds = load.ms.reduce((a, b) => a + b, 0) / 1000;
    figure('block interval under load, median / p99', [loaded.median, loaded.p99], 'ms');
    figure(`heights under load decided after round 0 (of ${load.ms.length})`, load.lateRounds, 'heights');
    if (process.env.QUARRY_BENCH_LOG) writeFileSync(`${process.env.QUARRY_BENCH_LOG}.${z.validators}`, net.output.join('\n') + '\n');
    figure(`transfers committed (${submitted} submitted, ${submitted - load.txs} still pending)`, load.txs / seconds, 'transfers/s', 1);
    ratio('ratio committed by the network / applied by one node', load.txs / seconds / alone, 3);

    // a fresh full node syncs the whole chain from genesis
    const home = join(net.devnet.o.home, 'bench-full');
    mkdirSync(home, { recursive: true });
    copyFileSync(join(net.devnet.nodes[0]!.home, 'genesis.json'), join(home, 'genesis.json'));
    writeDefaultConfig(home, { rpc: { listen: '127.0.0.1:0' }, p2p: { listen: ['/ip4/127.0.0.1/tcp/0'], peers: net.devnet.nodes.map((n) => n.p2p) } });
    const target = await net.height(0);
    full = new QuarryProcess(['--home', home, 'node', 'start', '--log-format', 'json']);
    const url = (await full.waitFor(/"rpc":"(http:\/\/[^"]+)"/, 60_000))[1]!;
    const started = Date.now();
    const fullRpc = new RpcClient(url);
    await until('sync', async () => BigInt((await fullRpc.get<{ height: string }>('/status')).height) >= target, 600_000);
    figure(`full-node sync speed (${target} blocks)`, Number(target) / ((Date.now() - started) / 1000), 'blocks/s', 1);
  } finally {
    await full?.kill('SIGTERM');
    await net.cleanup();
  }
}
