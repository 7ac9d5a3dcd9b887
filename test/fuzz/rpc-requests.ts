/**
 * HTTP requests for the RPC fuzzer: the route table (every route of node/rpc/routes/*.ts with its
 * path and query parameters), valid seeds built from a fixture's real records, and mutations of
 * each part of a request — method, path parameters, query (values, repeated and inherited-property
 * keys, encodings), headers (content type and length) and bodies (CBOR-aware mutation of signed
 * transactions and solutions, JSON mutation of `{"tx": …}` bodies, raw artifact bytes).
 */
import { fromHex, toHex, utf8 } from '../../protocol/encoding/bytes.ts';
import { Rng } from '../helpers/rng.ts';
import { mutateCbor, mutateJson } from './mutate.ts';
import type { RpcFixture } from './rpc-node.ts';

export interface RpcRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** The form kept in test/fuzz/corpus/<surface>/*.json: the body as hex. */
export interface StoredRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export const toStored = (r: RpcRequest): StoredRequest => ({ method: r.method, url: r.url, headers: r.headers, ...(r.body ? { body: toHex(r.body) } : {}) });
export const fromStored = (s: StoredRequest): RpcRequest => ({ method: s.method, url: s.url, headers: s.headers, ...(s.body !== undefined ? { body: fromHex(s.body) } : {}) });

type Kind = 'height' | 'epoch' | 'hash' | 'address' | 'limit' | 'prove' | 'status' | 'types' | 'file';

interface Route {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  params?: Record<string, Kind>;
  query?: Record<string, Kind>;
}

/** Every route the RPC registers (node/rpc/routes/*.ts); the test checks each is really routed. */
export const ROUTES: Route[] = [
  { method: 'GET', path: '/status' },
  { method: 'GET', path: '/blocks/latest' },
  { method: 'GET', path: '/blocks/:height', params: { height: 'height' } },
  { method: 'GET', path: '/commits/:height', params: { height: 'height' } },
  { method: 'GET', path: '/validators' },
  { method: 'GET', path: '/mempool' },
  { method: 'GET', path: '/params' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/accounts/:address', params: { address: 'address' }, query: { height: 'height', prove: 'prove' } },
  { method: 'GET', path: '/txs/:hash', params: { hash: 'hash' } },
  { method: 'GET', path: '/txs', query: { sender: 'address', height: 'height', before: 'height', limit: 'limit' } },
  { method: 'POST', path: '/txs' },
  { method: 'GET', path: '/puzzle' },
  { method: 'POST', path: '/solutions' },
  { method: 'GET', path: '/solutions/:id', params: { id: 'hash' } },
  { method: 'GET', path: '/staking/validators' },
  { method: 'GET', path: '/staking/delegations/:address', params: { address: 'address' } },
  { method: 'GET', path: '/net' },
  { method: 'GET', path: '/market/requests', query: { status: 'status', prover: 'address', limit: 'limit' } },
  { method: 'GET', path: '/market/requests/:id', params: { id: 'hash' } },
  { method: 'GET', path: '/market/asks', query: { circuit: 'hash' } },
  { method: 'GET', path: '/market/provers/:address', params: { address: 'address' } },
  { method: 'GET', path: '/market/circuits' },
  { method: 'GET', path: '/market/circuits/:id', params: { id: 'hash' } },
  { method: 'PUT', path: '/artifacts' },
  { method: 'GET', path: '/artifacts/:hash', params: { hash: 'hash' } },
  { method: 'GET', path: '/epochs/current' },
  { method: 'GET', path: '/epochs/:epoch', params: { epoch: 'epoch' } },
  { method: 'GET', path: '/epoch-proofs/latest' },
  { method: 'GET', path: '/epoch-proofs/:epoch', params: { epoch: 'epoch' } },
  { method: 'GET', path: '/headers/:height', params: { height: 'height' } },
  { method: 'GET', path: '/events', query: { types: 'types' } },
  { method: 'GET', path: '/explorer' },
  { method: 'GET', path: '/explorer/' },
  { method: 'GET', path: '/explorer/:file', params: { file: 'file' } },
];

/** `types` filters of the event stream, good and bad (shared with the WebSocket surfaces). */
export const TYPES_VALUES = ['block', 'tx,block', 'block,tx,solution,market,pending-tx,pending-solution', '', ',', 'block,block', 'nope', 'BLOCK', 'block,'];

/** Values every parameter kind is drawn from: real ones from the fixture, then edge cases. */
function dictionary(f: RpcFixture): Record<Kind, string[]> {
  const heights = ['0', '1', String(f.head), String(f.head + 1n), '9999999999999999999', '18446744073709551615', '18446744073709551616', '-1', '1e3', '0x1', '01', ' 1', '1.0', 'latest', '', '٣'];
  const [addr] = f.addresses as [string];
  return {
    height: heights,
    epoch: ['0', '1', '2', '4294967296', '9223372036854775808', ...heights.slice(5)],
    hash: [...f.txHashes, ...f.blockHashes, f.circuitId, '00'.repeat(32), 'AB'.repeat(32), 'ab'.repeat(31) + 'a', 'zz'.repeat(32), '..', '%2e%2e%2f' + 'ab'.repeat(20)],
    address: [...f.addresses, addr.toUpperCase(), addr.slice(0, -1), addr.slice(0, -1) + (addr.endsWith('q') ? 'p' : 'q'), 'cosmos1' + addr.slice(4), 'qry1', 'qry1nope', 'qry1' + 'q'.repeat(200)],
    limit: ['1', '2', '1000', '1001', '0', '-1', 'abc', '999999999', '1e3', '1.5'],
    prove: ['true', 'false', '1', '0', 'yes', 'TRUE', ''],
    status: ['open', 'locked', 'open-fill', 'fulfilled', 'expired', 'cancelled', 'OPEN', ''],
    types: TYPES_VALUES,
    file: ['index.html', 'explorer.js', 'genesis.json', 'nope.js', '..', '%2e%2e%2fpackage.json', '.env', 'index.html%00.js', 'x'.repeat(101)],
  };
}

/** Query keys no route reads, including names a plain-object parser confuses with inherited properties. */
const STRAY_KEYS = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', '', 'a[b]', 'limit[]', 'x'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'Application/JSON', 'application/octet-stream',
  'application/octet-stream; x=y', 'text/plain', 'text/html', '', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '*/*', 'application/jsonx', 'application/',
];

/** Percent-encodes a string (all of it, or only the characters a URL cannot carry). */
const encodeAll = (s: string) => Array.from(utf8(s), (b) => '%' + b.toString(16).padStart(2, '0')).join('');

function mutateText(rng: Rng, s: string): string {
  const at = rng.int(s.length + 1);
  const piece = rng.pick(['%', '%zz', '%00', '%ff', '%c3%28', '+', '&', '=', '#', '/', '..', '%2F', ';', ' ', 'é', '\u{1F600}', '0', 'a'.repeat(1 + rng.int(300))]);
  switch (rng.int(5)) {
    case 0: return s.slice(0, at) + piece + s.slice(at);
    case 1: return s.slice(0, at);
    case 2: return s.slice(0, at) + s.slice(at + 1 + rng.int(4));
    case 3: return encodeAll(s);
    default: return s.repeat(1 + rng.int(40));
  }
}

/**
 * Bytes an HTTP request line cannot carry raw (spaces, controls, non-ASCII, `#`) percent-encoded:
 * a real client sends them so, and the raw forms are the HTTP parser's (rpc-hostile.test.ts).
 */
const urlSafe = (s: string) => Array.from(utf8(s), (b) => (b > 0x20 && b < 0x7f && b !== 0x23 ? String.fromCharCode(b) : '%' + b.toString(16).padStart(2, '0'))).join('');

function valueFor(rng: Rng, dict: Record<Kind, string[]>, kind: Kind): string {
  const v = rng.pick(dict[kind]);
  return urlSafe(rng.chance(0.3) ? mutateText(rng, v) : v);
}

/** A request for `route` with each parameter drawn from the dictionary (or valid ones only). */
export function requestFor(rng: Rng, f: RpcFixture, route: Route, valid = false): RpcRequest {
  const dict = dictionary(f);
  let path = route.path;
  for (const [name, kind] of Object.entries(route.params ?? {})) path = path.replace(`:${name}`, valid ? validValue(f, kind, name) : valueFor(rng, dict, kind));
  const pairs: string[] = [];
  for (const [name, kind] of Object.entries(route.query ?? {})) {
    if (valid || rng.chance(0.5)) continue;
    const v = valueFor(rng, dict, kind);
    pairs.push(`${name}=${v}`);
    if (rng.chance(0.1)) pairs.push(`${name}=${v}`);
  }
  if (!valid && rng.chance(0.15)) pairs.push(`${urlSafe(rng.pick(STRAY_KEYS))}=${valueFor(rng, dict, rng.pick(Object.keys(dict) as Kind[]))}`);
  return { method: route.method, url: pairs.length ? `${path}?${pairs.join('&')}` : path, headers: {} };
}

function validValue(f: RpcFixture, kind: Kind, name: string): string {
  if (kind === 'address') return f.addresses[0]!;
  if (kind === 'hash') return name === 'id' ? f.circuitId : f.txHashes[0]!;
  if (kind === 'file') return 'explorer.js';
  return '1';
}

const octet = (url: string, method: string, body: Uint8Array): RpcRequest => ({ method, url, headers: { 'content-type': 'application/octet-stream' }, body });
const json = (url: string, method: string, doc: unknown): RpcRequest => ({ method, url, headers: { 'content-type': 'application/json' }, body: utf8(JSON.stringify(doc)) });

/** Valid requests for the body routes: signed transactions and solutions (raw and as JSON), artifacts. */
export function bodySeeds(f: RpcFixture): Record<'txs' | 'solutions' | 'artifacts', RpcRequest[]> {
  return {
    txs: f.txs.flatMap((b) => [octet('/txs', 'POST', b), json('/txs', 'POST', { tx: toHex(b) })]),
    solutions: f.solutions.flatMap((b) => [octet('/solutions', 'POST', b), json('/solutions', 'POST', { solution: toHex(b) })]),
    artifacts: [octet('/artifacts', 'PUT', utf8('wasm bytes')), json('/artifacts', 'PUT', { artifact: toHex(utf8('zkey bytes')) })],
  };
}

/** A JSON object body, or null when the body is not one (earlier mutations may have broken it). */
function parseJson(body: Uint8Array): Record<string, unknown> | null {
  try {
    const doc: unknown = JSON.parse(new TextDecoder().decode(body));
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function mutateBody(rng: Rng, r: RpcRequest, other: RpcRequest): Uint8Array {
  const body = r.body ?? new Uint8Array(0);
  const ct = r.headers['content-type'] ?? '';
  if (ct.startsWith('application/json') && rng.chance(0.5)) {
    // mutate the hex payload as CBOR (so it reaches the decoders), else the JSON document itself
    const doc = parseJson(body);
    const [key] = doc ? Object.keys(doc) : [];
    const hex = key === undefined ? undefined : doc?.[key];
    if (key !== undefined && typeof hex === 'string' && /^([0-9a-f]{2})*$/.test(hex)) {
      return utf8(JSON.stringify({ [key]: toHex(mutateCbor(rng, fromHex(hex), other.body ?? body)) }));
    }
  }
  if (ct.startsWith('application/json')) return mutateJson(rng, body, other.body ?? body);
  if (rng.chance(0.05)) return rng.bytes(rng.pick([0, 1, 100, 64 * 1024, 64 * 1024 + 1, 300 * 1024]));
  return mutateCbor(rng, body, other.body ?? body);
}

function mutateHeaders(rng: Rng, r: RpcRequest): Record<string, string> {
  const h = { ...r.headers };
  switch (rng.int(5)) {
    case 0: h['content-type'] = rng.pick(CONTENT_TYPES); break;
    case 1: delete h['content-type']; break;
    case 2: h['content-length'] = String(rng.pick([0, 1, (r.body?.length ?? 0) + 1, Math.max(0, (r.body?.length ?? 0) - 1), 64 * 1024 + 1, 1e9])); break;
    case 3: h['transfer-encoding'] = 'chunked'; break;
    default: h[rng.pick(['accept', 'accept-encoding', 'connection', 'upgrade', 'expect', 'x-forwarded-for'])] = rng.pick(['*/*', 'gzip', 'close', 'websocket', '100-continue', 'application/json']);
  }
  return h;
}

/** One to three mutations of one part of the request each; `other` lends a body for splicing. */
export function mutateRequest(rng: Rng, f: RpcFixture, seed: RpcRequest, other: RpcRequest): RpcRequest {
  let r: RpcRequest = { ...seed, headers: { ...seed.headers } };
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const p = rng.int(100);
    if (p < 30 && r.body) r = { ...r, body: mutateBody(rng, r, other) };
    else if (p < 55) {
      const route = ROUTES.find((x) => x.method === r.method && matches(x.path, r.url)) ?? rng.pick(ROUTES);
      r = { ...requestFor(rng, f, route), headers: r.headers, ...(r.body ? { body: r.body } : {}) };
    } else if (p < 70) r = { ...r, headers: mutateHeaders(rng, r) };
    else if (p < 80) r = { ...r, method: rng.pick(METHODS) };
    else if (p < 90) r = { ...r, url: urlSafe(mutateText(rng, r.url)) };
    else r = { ...r, url: other.url, method: rng.chance(0.5) ? other.method : r.method };
  }
  if (r.method === 'GET' || r.method === 'HEAD') delete r.body;
  // an HTTP request target is never empty and starts with '/' (else the parser refused it: rpc-hostile.test.ts)
  if (!r.url.startsWith('/')) r.url = '/' + r.url;
  return r;
}

/** Whether `url`'s path has the shape of the route template `path`. */
function matches(path: string, url: string): boolean {
  const parts = url.split('?')[0]!.split('/');
  const tmpl = path.split('/');
  return parts.length === tmpl.length && tmpl.every((t, i) => t.startsWith(':') || t === parts[i]);
}
