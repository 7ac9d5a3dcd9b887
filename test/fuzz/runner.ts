/**
 * The decoder fuzzer's oracle: every input is either accepted — and then the surface's canonical
 * check holds (re-encoding gives back the input) — or refused with a QuarryError whose code is in
 * the surface's documented set. Anything else thrown (TypeError, RangeError, a plain Error) is a
 * bug, reported with the input's hex so it can be kept in the corpus.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryError, type ErrorCode } from '../../protocol/errors.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { Rng } from '../helpers/rng.ts';

export interface Surface {
  name: string;
  seeds: Uint8Array[];
  /** Decodes untrusted bytes as the node does; throws QuarryError on refusal. */
  decode(bytes: Uint8Array): unknown;
  /** Holds for every accepted input: throws (any error) when the accepted value is not canonical. */
  canonical(value: unknown, bytes: Uint8Array): void;
  codes: readonly ErrorCode[];
  mutate(rng: Rng, seed: Uint8Array, other: Uint8Array): Uint8Array;
}

export interface FuzzStats {
  name: string;
  runs: number;
  accepted: number;
  codes: Record<string, number>;
}

const CORPUS = new URL('./corpus/', import.meta.url).pathname;

/** Regression inputs kept in test/fuzz/corpus/<surface>/*.hex (one hex string per file). */
export function corpus(surface: string): Uint8Array[] {
  const dir = join(CORPUS, surface);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.hex')).sort().map((f) => fromHex(readFileSync(join(dir, f), 'utf8').trim()));
}

function describe(surface: string, bytes: Uint8Array, what: string): Error {
  return new Error(`${surface}: ${what}\n  input (${bytes.length} bytes): ${toHex(bytes).slice(0, 20_000)}`);
}

/** Runs one input through the oracle; returns the refusal code, or 'OK'. */
export async function check(s: Surface, bytes: Uint8Array): Promise<string> {
  let value: unknown;
  try {
    value = await s.decode(bytes);
  } catch (err) {
    if (!(err instanceof QuarryError)) throw describe(s.name, bytes, `threw ${(err as Error)?.name ?? typeof err}: ${(err as Error)?.message ?? String(err)}`);
    if (!s.codes.includes(err.code)) throw describe(s.name, bytes, `refused with undocumented code ${err.code}: ${err.message}`);
    return err.code;
  }
  try {
    s.canonical(value, bytes);
  } catch (err) {
    throw describe(s.name, bytes, `accepted but not canonical: ${(err as Error).message}`);
  }
  return 'OK';
}

/** Seeds and corpus first (each must pass the oracle), then `n` mutations of them. */
export async function fuzz(s: Surface, n: number, seed: number): Promise<FuzzStats> {
  const stats: FuzzStats = { name: s.name, runs: 0, accepted: 0, codes: {} };
  const pool = [...s.seeds, ...corpus(s.name)];
  const rng = new Rng(seed);
  const count = (code: string) => {
    stats.runs++;
    if (code === 'OK') stats.accepted++;
    else stats.codes[code] = (stats.codes[code] ?? 0) + 1;
  };
  for (const b of pool) count(await check(s, b));
  for (let i = 0; i < n; i++) count(await check(s, s.mutate(rng, rng.pick(pool), rng.pick(pool))));
  return stats;
}
