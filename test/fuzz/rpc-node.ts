/**
 * The node the RPC fuzzer talks to: a real chain (LevelDB in a temp home, real genesis) with a few
 * committed blocks carrying transfers and market transactions (a registered circuit, a bonded
 * prover's ask, an open proof request), so routes answer from real records rather than only 404s.
 * It then runs as a non-validator with p2p off: no block is made while fuzzing, so the state the
 * oracle compares before and after a batch stays put.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { QuarryNode } from '../../node/node.ts';
import { DEFAULT_CONFIG, homePaths, type RpcConfig } from '../../node/config.ts';
import { createLogger } from '../../node/log.ts';
import { decodeTx } from '../../node/tx/tx.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { decodeAddress, encodeAddress } from '../../protocol/crypto/address.ts';
import { signSolution } from '../../puzzle/solution.ts';
import { epochOf, getChainParams } from '../../node/modules/chain-params.ts';
import { puzzleFixtures } from '../helpers/puzzle.ts';
import type { AccountKey } from '../../node/crypto/keyfile.ts';
import { CHAIN_ID, makeTx, openTestChain, sendMsg, type TestChain } from '../helpers/chain.ts';
import { MARKET_TX_FEE, PREIMAGE, PREIMAGE_ID, requestMsg } from '../helpers/market.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Real values the request seeds and mutations draw on. */
export interface RpcFixture {
  node: QuarryNode;
  head: bigint;
  addresses: string[];
  txHashes: string[];
  blockHashes: string[];
  circuitId: string;
  /** Signed transactions the mempool would admit (fresh sequences), and signed solutions. */
  txs: Uint8Array[];
  solutions: Uint8Array[];
  stop(): Promise<void>;
}

/** Small staging caps: junk uploads evict each other instead of filling the disk. */
const RPC: Partial<RpcConfig> = { maxBodyBytes: 64 * 1024, maxSubscribers: 8, maxStagedArtifacts: 8, maxStagedArtifactBytes: 256 * 1024 };

/**
 * Signed solutions for the next block's epoch: a canonical proof by `a` (admitted), and the same
 * proof claimed by `b` (well-formed, so it reaches the pairing check, which refuses it).
 */
async function solve(t: TestChain, [a, b]: [AccountKey, AccountKey]): Promise<Uint8Array[]> {
  const { prover } = await puzzleFixtures();
  const epoch = epochOf(t.chain.head.height + 1n, await getChainParams(t.chain.latestState));
  const st = { challenge: await t.chain.challengeFor(epoch), address: decodeAddress(a.address), nonce: 7n };
  const { bytes: proof } = await prover.prove(st);
  return [a, b].map((u) => signSolution(CHAIN_ID, { epoch, address: decodeAddress(u.address), nonce: st.nonce, proof }, u.secretKey, u.publicKey));
}

export async function startRpcFixture(): Promise<RpcFixture> {
  const dir = tempDir('quarry-fuzz-rpc-');
  const home = join(dir.path, 'home');
  mkdirSync(homePaths(home).data, { recursive: true });
  // the easiest targets: every solution passes the target check, so its proof reaches the verifier
  const t = await openTestChain({ path: homePaths(home).data, users: 4, puzzle: { initialCoinbaseTarget: 1n, minCoinbaseTarget: 1n, targetShift: 0n } });
  const [u0, u1, u2, u3] = t.users as [AccountKey, AccountKey, AccountKey, AccountKey];
  const market = (msgs: AnyMsg[], u: AccountKey, sequence: bigint) => makeTx(u, msgs, { sequence, fee: MARKET_TX_FEE });
  const blocks = [
    [makeTx(u0, [sendMsg(u1, 10n)], { sequence: 0n }), makeTx(u1, [sendMsg(u0, 1n), sendMsg(u2, 2n)], { sequence: 0n })],
    [market([{ type: 'market/register-circuit', ...PREIMAGE } as AnyMsg], u2, 0n), market([{ type: 'market/bond', amount: 100_000_000n } as AnyMsg], u3, 0n)],
    [market([{ type: 'market/ask', circuitId: PREIMAGE_ID, price: 100_000n, maxTurnaround: 5n, capacity: 2n } as AnyMsg], u3, 1n), market([requestMsg(7n)], u0, 1n)],
  ];
  const blockHashes: string[] = [];
  const txHashes: string[] = [];
  for (const txs of blocks) {
    blockHashes.push(toHex((await t.produce(txs)).hash));
    txHashes.push(...txs.map((b) => toHex(decodeTx(b).hash)));
  }
  const { genesis, operator } = t;
  const head = t.chain.head.height;
  const solutions = await solve(t, [u0, u1]);
  await t.close();
  const log = createLogger({ level: 'fatal', format: 'json', stream: { write: () => true } as unknown as NodeJS.WritableStream });
  const node = await QuarryNode.start({
    home,
    config: { ...DEFAULT_CONFIG, rpc: { ...DEFAULT_CONFIG.rpc, listen: '127.0.0.1:0', ...RPC }, p2p: { ...DEFAULT_CONFIG.p2p, enabled: false }, puzzle: { precomputeAudit: false } },
    genesis,
    validatorKey: null,
    log,
  });
  return {
    node,
    head,
    addresses: [...t.users.map((u) => u.address), operator.address, encodeAddress(new Uint8Array(20))],
    txHashes,
    blockHashes,
    circuitId: toHex(PREIMAGE_ID),
    txs: [makeTx(u2, [sendMsg(u0, 5n)], { sequence: 1n }), makeTx(u1, [sendMsg(u3, 1n)], { sequence: 1n, expiresAtHeight: 50n, chainId: CHAIN_ID })],
    solutions,
    async stop() {
      await node.stop();
      dir.cleanup();
    },
  };
}
