/**
 * The multi-process devnet's directory layout (docs/devnet.md): one home per validator
 * (`node-<i>/`, with its own LevelDB, config, BLS key and libp2p key) and per miner (`miner-<j>/`),
 * all sharing the deterministic devnet genesis, every node listing the others as bootstrap peers.
 * Ports: validator i has RPC `rpcBase + 10·i` and p2p `p2pBase + 10·i` on 127.0.0.1. Full nodes (the
 * testnet's) follow the validators in the same numbering (`node-<validators + k>/`, named `f<k>`).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { homePaths, writeDefaultConfig } from '../config.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { saveAccountKey, saveValidatorKey } from '../crypto/keyfile.ts';
import { genesisToJson, type Genesis } from '../genesis.ts';
import { loadNodeKey } from '../p2p/identity.ts';
import { devnetAccount, devnetGenesis, devnetValidatorKey } from '../../genesis/builder.ts';
import type { Ed25519PrivateKey } from '@libp2p/interface';

export interface DevnetSpec {
  home: string;
  validators: number;
  /** Full nodes (no validator key) after the validators, named `f<k>`; default 0. */
  fullNodes?: number;
  miners: number;
  rpcBase: number;
  p2pBase: number;
  blockTimeMs: number;
  timeouts?: { propose: number; prevote: number; precommit: number; delta: number };
  /** Where node i listens and how it dials node j (default: everything on 127.0.0.1; the testnet routes through its link emulator). */
  network?: DevnetNetwork;
}

export interface DevnetNetwork {
  listenIp(i: number): string;
  /** Multiaddr (without `/p2p/…`) node i dials to reach node j. */
  dialAddr(i: number, j: number): string;
}


export interface DevnetNode {
  name: string;
  home: string;
  rpc: string;
  p2p: string;
  peerId: string;
}

export const nodeHome = (home: string, i: number) => join(home, `node-${i}`);
export const minerHome = (home: string, j: number) => join(home, `miner-${j}`);

/** Creates any missing homes (existing ones keep their data) and returns the nodes' addresses. */
export async function prepareDevnet(spec: DevnetSpec, genesisGiven?: Genesis): Promise<DevnetNode[]> {
  const genesis = genesisGiven ?? (await devnetGenesis(spec.validators));
  mkdirSync(spec.home, { recursive: true, mode: 0o700 });
  const net = spec.network ?? { listenIp: () => '127.0.0.1', dialAddr: (_i: number, j: number) => `/ip4/127.0.0.1/tcp/${spec.p2pBase + 10 * j}` };
  const nodes: DevnetNode[] = [];
  for (let i = 0; i < spec.validators + (spec.fullNodes ?? 0); i++) {
    const home = nodeHome(spec.home, i);
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const key = (await loadNodeKey(home)) as Ed25519PrivateKey;
    const p2p = `/ip4/${net.listenIp(i)}/tcp/${spec.p2pBase + 10 * i}`;
    nodes.push({ name: i < spec.validators ? `v${i}` : `f${i - spec.validators}`, home, rpc: `http://${net.listenIp(i)}:${spec.rpcBase + 10 * i}`, p2p: `${p2p}/p2p/${peerIdFromPrivateKey(key).toString()}`, peerId: peerIdFromPrivateKey(key).toString() });
  }
  const peerAddr = (i: number, j: number) => `${net.dialAddr(i, j)}/p2p/${nodes[j]!.peerId}`;
  const genesisText = JSON.stringify(genesisToJson(genesis), null, 2) + '\n';
  nodes.forEach((n, i) => {
    const path = homePaths(n.home).genesis;
    if (!existsSync(path)) writeFileSync(path, genesisText);
    else if (!genesisGiven && readFileSync(path, 'utf8') !== genesisText) {
      throw new QuarryError('E_CONFIG', `the devnet in ${spec.home} was made by another version of Quarry (its genesis differs from this version's); start over with --reset`);
    }
    writeDefaultConfig(n.home, {
      rpc: { listen: `${net.listenIp(i)}:${spec.rpcBase + 10 * i}` },
      p2p: { listen: [`/ip4/${net.listenIp(i)}/tcp/${spec.p2pBase + 10 * i}`], peers: nodes.flatMap((_, j) => (j === i ? [] : [peerAddr(i, j)])) },
      consensus: { blockTimeMs: spec.blockTimeMs, ...(spec.timeouts ? { timeouts: spec.timeouts } : {}) },
      // devnet validators share this machine's cores: skip the audit precomputation burst
      puzzle: { precomputeAudit: false },
    });
    if (i >= spec.validators) return; // a full node: no validator key, no operator account
    saveValidatorKey(n.home, devnetValidatorKey(i));
    for (const name of ['faucet', `validator-${i}`]) if (!existsSync(join(n.home, 'keys', `${name}.json`))) saveAccountKey(n.home, devnetAccount(name));
  });
  for (let j = 0; j < spec.miners; j++) {
    const home = minerHome(spec.home, j);
    if (!existsSync(join(home, 'keys', `miner-${j}.json`))) saveAccountKey(home, devnetAccount(`miner-${j}`));
  }
  return nodes;
}
