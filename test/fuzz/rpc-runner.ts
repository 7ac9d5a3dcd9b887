/**
 * The RPC fuzzer's runner and HTTP oracle. A surface's inputs are structured (an HTTP request, a
 * WebSocket handshake and frames), so they are kept as JSON in test/fuzz/corpus/<surface>/*.json;
 * otherwise it runs like the decoder runner: seeds and corpus first, then mutations, with counts
 * per outcome. The oracle (docs/rpc.md §errors): an answer is 2xx with JSON (Prometheus text and
 * artifact bytes on their two routes), or a 4xx/503 whose body is exactly `{error: {code,
 * message}}` with a documented code of that very status. A 5xx, another body, an exception out of
 * the server or an answer that does not come is a bug, reported with the input to keep.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, type ErrorCode } from '../../protocol/errors.ts';
import type { RpcServer } from '../../node/rpc/server.ts';
import { Rng } from '../helpers/rng.ts';
import type { FuzzStats } from './runner.ts';
import type { RpcRequest } from './rpc-requests.ts';

export interface Outcome {
  /** 2xx, or a socket the server kept. */
  accepted: boolean;
  /** What is counted: the status and error code, or the WebSocket fate. */
  label: string;
}

export interface RequestSurface<T> {
  name: string;
  seeds: T[];
  mutate(rng: Rng, seed: T, other: T): T;
  /** Sends the input and judges the answer; throws (any error) on a bug. */
  run(input: T): Promise<Outcome>;
  /** The corpus form and back. */
  store(input: T): unknown;
  load(stored: unknown): T;
}

const CORPUS = new URL('./corpus/', import.meta.url).pathname;

export function jsonCorpus(surface: string): unknown[] {
  const dir = join(CORPUS, surface);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown);
}

/** Error statuses the RPC documents; any other (a 500 above all) is a bug. */
const STATUSES = new Set([400, 404, 405, 408, 409, 413, 415, 422, 426, 429, 503]);

/** The envelope check on an error answer's status and text; returns the code. */
export function envelope(status: number, text: string): ErrorCode {
  if (!STATUSES.has(status)) throw new Error(`status ${status}: ${text.slice(0, 500)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`status ${status} with a body that is not JSON: ${text.slice(0, 500)}`);
  }
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const exact = body !== null && typeof body === 'object' && Object.keys(body).join() === 'error' && e !== null && typeof e === 'object' && Object.keys(e).sort().join() === 'code,message';
  if (!exact || typeof e.code !== 'string' || typeof e.message !== 'string' || e.message.length === 0) throw new Error(`status ${status} without the error envelope: ${text.slice(0, 500)}`);
  if (!Object.hasOwn(ErrorCodes, e.code)) throw new Error(`undocumented code ${e.code}: ${e.message}`);
  const code = e.code as ErrorCode;
  if (ErrorCodes[code] !== status) throw new Error(`${code} answered with ${status}, documented ${ErrorCodes[code]}`);
  return code;
}

/** Races `p` against a deadline: a request the server never answers is a bug too. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Routes whose success is not JSON. */
const NON_JSON = [/^\/metrics(\?|$)/, /^\/artifacts\/[^/?]+(\?|$)/, /^\/explorer(\/|$)/];

/** Sends one request through `server.inject` and judges it. */
export async function judgeHttp(server: RpcServer, r: RpcRequest): Promise<Outcome> {
  const res = await within(server.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, ...(r.body ? { payload: Buffer.from(r.body) } : {}) }), 10_000, `${r.method} ${r.url}`);
  const status = res.statusCode;
  if (r.method === 'HEAD') {
    // a HEAD answer has the GET's status and headers, no body
    if (res.rawPayload.length !== 0) throw new Error(`HEAD answered with a body`);
    if (status >= 300 && !STATUSES.has(status)) throw new Error(`HEAD: status ${status}`);
    return { accepted: status < 300, label: `${status} HEAD` };
  }
  if (status >= 200 && status < 300) {
    const type = String(res.headers['content-type'] ?? '');
    if (type.startsWith('application/json')) JSON.parse(res.body);
    // inject resolves dot segments as a URL does (`/../metrics` is /metrics): match the resolved path
    else if (!NON_JSON.some((re) => re.test(new URL(r.url, 'http://rpc').pathname))) throw new Error(`${status} with ${type || 'no content type'}: ${res.body.slice(0, 200)}`);
    return { accepted: true, label: String(status) };
  }
  return { accepted: false, label: `${status} ${envelope(status, res.body)}` };
}

function describe(name: string, stored: unknown, err: unknown): Error {
  return new Error(`${name}: ${(err as Error)?.message ?? String(err)}\n  input (keep in test/fuzz/corpus/${name}/): ${JSON.stringify(stored).slice(0, 20_000)}`);
}

/** Seeds and corpus first, then `n` mutations of them, in order (the seed makes a run repeatable). */
export async function fuzzRequests<T>(s: RequestSurface<T>, n: number, seed: number): Promise<FuzzStats> {
  const stats: FuzzStats = { name: s.name, runs: 0, accepted: 0, codes: {} };
  const pool = [...s.seeds, ...jsonCorpus(s.name).map((x) => s.load(x))];
  const rng = new Rng(seed);
  const one = async (input: T) => {
    let o: Outcome;
    try {
      o = await s.run(input);
    } catch (err) {
      throw describe(s.name, s.store(input), err);
    }
    stats.runs++;
    if (o.accepted) stats.accepted++;
    stats.codes[o.label] = (stats.codes[o.label] ?? 0) + 1;
  };
  for (const input of pool) await one(input);
  for (let i = 0; i < n; i++) await one(s.mutate(rng, rng.pick(pool), rng.pick(pool)));
  return stats;
}
