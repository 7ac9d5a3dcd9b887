/**
 * Node configuration: `<home>/config.json`, every field optional, defaults below (also listed in
 * the README). The home directory comes from `--home`, else `QUARRY_HOME`, else `~/.quarry`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { QuarryError } from '../protocol/errors.ts';
import { homePaths } from './home.ts';
import { DEFAULT_MEMPOOL_CONFIG, type MempoolConfig } from './mempool/mempool.ts';
import { DEFAULT_TIMEOUTS, type Timeouts } from '../consensus/engine.ts';
import { DEFAULT_P2P_CONFIG, type P2PConfig } from './p2p/network.ts';

export { resolveHome, homePaths } from './home.ts';

export interface RpcConfig {
  listen: string;
  maxBodyBytes: number;
  /** WebSocket connections to /events at once; more are refused (docs/rpc.md, `WS /events`). */
  maxSubscribers: number;
  /** HTTP requests being answered at once; more are refused with E_UNAVAILABLE (docs/rpc.md §limits). */
  maxInFlight: number;
  /** Artifact staging area: uploads no registered circuit names (docs/market.md §artifacts). */
  maxStagedArtifacts: number;
  maxStagedArtifactBytes: number;
}

/** The proposer's build budget, percent of the propose timeout (docs/consensus.md §proposal budget). */
export const DEFAULT_PROPOSAL_BUDGET_PERCENT = 40;

export interface NodeConfig {
  rpc: RpcConfig;
  consensus: { blockTimeMs: number; timeouts: Timeouts; proposalBudgetPercent: number };
  mempool: MempoolConfig;
  log: { level: string };
  /** Keep this many recent state versions for proofs; 0 keeps all. */
  pruning: { keepRecent: number };
  p2p: P2PConfig & { enabled: boolean };
  /** Precompute the audit bases (faster audits for seconds of CPU at the first solution). */
  puzzle: { precomputeAudit: boolean };
  /**
   * Fetch epoch proofs this node lacks from its peers, every `fetchIntervalMs`, and serve them
   * (docs/epochs.md §serving). Each fetched proof is verified in a worker thread that loads o1js.
   */
  epochProofs: { fetchFromPeers: boolean; fetchIntervalMs: number };
}

export const DEFAULT_CONFIG: NodeConfig = {
  rpc: { listen: '127.0.0.1:26657', maxBodyBytes: 1024 * 1024, maxSubscribers: 100, maxInFlight: 256, maxStagedArtifacts: 64, maxStagedArtifactBytes: 256 * 1024 * 1024 },
  consensus: { blockTimeMs: 1000, timeouts: DEFAULT_TIMEOUTS, proposalBudgetPercent: DEFAULT_PROPOSAL_BUDGET_PERCENT },
  mempool: DEFAULT_MEMPOOL_CONFIG,
  log: { level: 'info' },
  pruning: { keepRecent: 0 },
  p2p: { ...DEFAULT_P2P_CONFIG, enabled: true },
  puzzle: { precomputeAudit: true },
  epochProofs: { fetchFromPeers: true, fetchIntervalMs: 30_000 },
};

type Json = Record<string, unknown>;

/** Deep-merges user values over defaults, refusing unknown keys and wrong types. */
function merge<T>(defaults: T, user: unknown, path: string): T {
  if (user === undefined) return defaults;
  if (Array.isArray(defaults)) {
    if (!Array.isArray(user) || user.some((x) => typeof x !== 'string')) throw new QuarryError('E_CONFIG', `config ${path} must be a list of strings`);
    return user as T;
  }
  if (typeof defaults !== 'object' || defaults === null) {
    if (typeof user !== typeof defaults) throw new QuarryError('E_CONFIG', `config ${path} must be a ${typeof defaults}`);
    return user as T;
  }
  if (typeof user !== 'object' || user === null || Array.isArray(user)) throw new QuarryError('E_CONFIG', `config ${path} must be an object`);
  const out: Json = { ...(defaults as Json) };
  for (const [k, v] of Object.entries(user as Json)) {
    // own keys only: `in` would accept "__proto__" or "toString" as config keys
    if (!Object.hasOwn(out, k)) throw new QuarryError('E_CONFIG', `unknown config key ${path}.${k.slice(0, 64)}`);
    out[k] = merge(out[k], v, `${path}.${k}`);
  }
  return out as T;
}

export function loadConfig(home: string, overrides: unknown = {}): NodeConfig {
  const path = homePaths(home).config;
  let user: unknown = {};
  if (existsSync(path)) {
    try {
      user = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new QuarryError('E_CONFIG', `cannot parse ${path}: ${(err as Error).message}`);
    }
  }
  return checkConfig(merge(merge(DEFAULT_CONFIG, user, 'config'), overrides, 'override'));
}

export function writeDefaultConfig(home: string, values: unknown = {}): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(homePaths(home).config, JSON.stringify(checkConfig(merge(DEFAULT_CONFIG, values, 'config')), null, 2) + '\n', { mode: 0o600 });
}

/** Every number in the config is a count, size or duration: a non-negative integer. */
function checkNumbers(value: unknown, path: string): void {
  if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0)) throw new QuarryError('E_CONFIG', `config ${path} must be a non-negative integer, got ${value}`);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) checkNumbers(v, `${path}.${k}`);
}

/** Values the types alone do not rule out: numbers are non-negative integers, caps positive. */
export function checkConfig(config: NodeConfig): NodeConfig {
  checkNumbers(config, 'config');
  for (const key of ['maxBodyBytes', 'maxSubscribers', 'maxInFlight', 'maxStagedArtifacts', 'maxStagedArtifactBytes'] as const) {
    const v = config.rpc[key];
    if (!Number.isSafeInteger(v) || v < 1) throw new QuarryError('E_CONFIG', `config rpc.${key} must be a positive integer, got ${v}`);
  }
  const budget = config.consensus.proposalBudgetPercent;
  if (budget < 1 || budget > 100) throw new QuarryError('E_CONFIG', `config consensus.proposalBudgetPercent must be 1–100, got ${budget}`);
  return config;
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[2]) > 65535) throw new QuarryError('E_CONFIG', `listen address "${listen}" must be host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}
