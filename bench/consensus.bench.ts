/**
 * Four validator processes (two in the smoke run) on loopback (real libp2p, BLS, LevelDB): block
 * interval median and 99th percentile idle and under a steady transfer load, transfers committed
 * per second, and the sync speed of a fresh full node in blocks per second. Block time 0 (the
 * next height starts at once) and short round timeouts.
 */
import { join } from 'node:path';
import { copyFileSync, mkdirSync } from 'node:fs';
import { startTestDevnet, faucet, until } from '../test/helpers/devnet.ts';
import { QuarryProcess } from '../test/helpers/proc.ts';
import { writeDefaultConfig } from '../node/config.ts';
import { RpcClient } from '../client/rpc.ts';
import { buildTx } from '../client/tx-builder.ts';
import { decodeAddress } from '../protocol/crypto/address.ts';
import { accountKeyFromPair } from '../node/crypto/keyfile.ts';
import { generateKeyPair } from '../protocol/crypto/ed25519.ts';
import { signTx } from '../node/tx/tx.ts';
import { toHex } from '../protocol/encoding/bytes.ts';

import { figure, heading, sized, type BenchOptions } from './util.ts';

interface Sizes {
  validators: number;
  warmup: number;
  /** Idle blocks sampled. */
  sample: number;
  senders: number;
  loadSeconds: number;
}
const FULL: Sizes = { validators: 4, warmup: 10, sample: 60, senders: 40, loadSeconds: 30 };
const SMOKE: Sizes = { validators: 2, warmup: 2, sample: 3, senders: 4, loadSeconds: 2 };
/** Transfers each sender submits per round (each round waits for the node's answers). */
const PER_ROUND = 3;

function stats(intervals: number[]): { median: number; p99: number } {
  const s = [...intervals].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! };
}

async function intervals(rpc: RpcClient, from: bigint, to: bigint): Promise<{ ms: number[]; txs: number }> {
  const ms: number[] = [];
  let txs = 0;
  let prev: number | null = null;
  for (let h = from; h <= to; h++) {
    const b = await rpc.get<{ header: { time: string }; txs: unknown[] }>(`/blocks/${h}`);
    const t = Number(b.header.time);
    if (prev !== null) ms.push(t - prev);
    prev = t;
    txs += b.txs.length;
  }
  return { ms, txs };
}

export async function benchConsensus(o: BenchOptions): Promise<void> {
  const z = sized(o, FULL, SMOKE);
  heading(`consensus: ${z.validators} validator processes on loopback`);
  const net = await startTestDevnet({ validators: z.validators, blockTimeMs: 0 });
  let full: QuarryProcess | null = null;
  try {
    const rpc = net.rpc(0);
    await until('warm-up blocks', async () => (await net.height(0)) >= BigInt(z.warmup), 120_000);
    const idleFrom = await net.height(0);
    await until('idle sample', async () => (await net.height(0)) >= idleFrom + BigInt(z.sample), 300_000);
    const idle = stats((await intervals(rpc, idleFrom, idleFrom + BigInt(z.sample))).ms);
    figure('idle block interval, median / p99', [idle.median, idle.p99], 'ms');

    // fund senders in one multi-send, then each keeps a few transfers in flight
    const senders = Array.from({ length: z.senders }, (_, i) => accountKeyFromPair(`s${i}`, generateKeyPair()));
    const fund = await buildTx(rpc, faucet, [{ type: 'bank/multi-send', outputs: senders.map((s) => ({ to: decodeAddress(s.address), amount: 1_000_000_000n })) }]);
    await rpc.post('/txs', { tx: toHex(fund.bytes) });
    await until('funded senders', async () => BigInt((await rpc.get<{ balance: string }>(`/accounts/${senders[0]!.address}`)).balance) > 0n);
    const { chainId } = await rpc.get<{ chainId: string }>('/status');
    const seqs = senders.map(() => 0n);
    const loadFrom = await net.height(0);
    const end = Date.now() + z.loadSeconds * 1000;
    let submitted = 0;
    while (Date.now() < end) {
      await Promise.all(
        senders.map(async (s, i) => {
          for (let k = 0; k < PER_ROUND; k++) {
            const bytes = signTx({ chainId, signer: s.publicKey, sequence: seqs[i]!, fee: 2_000n, expiresAtHeight: 0n, msgs: [{ type: 'bank/send', to: decodeAddress(faucet.address), amount: 1n }] }, s.secretKey);
            try {
              await net.rpc(i % z.validators).post('/txs', { tx: toHex(bytes) });
              seqs[i]!++;
              submitted++;
            } catch {
              break; // a full per-sender queue or a sequence race: try again next round
            }
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    const loadTo = await net.height(0);
    const load = await intervals(rpc, loadFrom, loadTo);
    const loaded = stats(load.ms);
    const seconds = load.ms.reduce((a, b) => a + b, 0) / 1000;
    figure('block interval under load, median / p99', [loaded.median, loaded.p99], 'ms');
    figure(`transfers committed (${submitted} submitted)`, load.txs / seconds, 'transfers/s', 1);

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
