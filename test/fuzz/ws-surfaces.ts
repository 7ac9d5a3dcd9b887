/**
 * The RPC fuzzer's WebSocket surfaces on `GET /events` (docs/rpc.md, `WS /events`):
 * `events-upgrade` mutates the handshake (the `types` query, repeated and huge values, the
 * upgrade headers); `events-frames` upgrades properly and mutates what the client sends (text and
 * binary frames, fragments, frames up to and past the 64 KiB maxPayload, invalid UTF-8, reserved
 * bits and opcodes, unmasked frames, control frames with bad sizes, close codes and reasons).
 * The oracle: a refused handshake is the error envelope; an upgraded socket is kept or closed
 * with a documented close code (or the code the client's own close frame carried, echoed).
 */
import { fromHex, toHex, utf8 } from '../../protocol/encoding/bytes.ts';
import { Rng } from '../helpers/rng.ts';
import { byteMutation } from './mutate.ts';
import { envelope, type Outcome, type RequestSurface } from './rpc-runner.ts';
import { closePayload, decodeFrames, encodeFrames, exchange, frame, type Frame } from './ws-client.ts';
import { TYPES_VALUES } from './rpc-requests.ts';

export interface WsCase {
  path: string;
  headers: Record<string, string | null>;
  bytes: Uint8Array;
}

/** Close codes the server sends of its own (docs/rpc.md): protocol error, bad UTF-8, too big, try later; 1005 is a close without a code. */
export const SERVER_CLOSE_CODES = [1002, 1005, 1007, 1009, 1013];
const MAX_PAYLOAD = 64 * 1024;

/** The codes of the well-formed close frames the client sent: the server echoes one back. */
function clientCloseCodes(bytes: Uint8Array): number[] {
  return decodeFrames(bytes).frames.filter((f) => f.opcode === 0x8 && f.payload.length >= 2).map((f) => (f.payload[0]! << 8) | f.payload[1]!);
}

async function judge(url: string, c: WsCase): Promise<Outcome> {
  const fate = await exchange(url, c.path, c.headers, c.bytes);
  switch (fate.kind) {
    case 'refused':
      return { accepted: false, label: `${fate.status} ${envelope(fate.status, fate.body)}` };
    case 'closed':
      if (!SERVER_CLOSE_CODES.includes(fate.code) && !clientCloseCodes(c.bytes).includes(fate.code)) throw new Error(`closed with undocumented code ${fate.code}`);
      return { accepted: false, label: `closed ${fate.code}` };
    case 'kept':
    case 'waiting':
      return { accepted: true, label: fate.kind };
    default:
      throw new Error(fate.kind === 'dropped' ? 'the server dropped the connection without a close frame' : 'no answer to the handshake');
  }
}

const INVALID_UTF8 = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]];
const CLOSE_CODES = [0, 999, 1000, 1001, 1004, 1005, 1006, 1011, 1015, 1016, 2999, 3000, 4999, 5000, 65535];
const SIZES = [0, 1, 125, 126, 127, 65535, MAX_PAYLOAD, MAX_PAYLOAD + 1, 70_000];

function mutateFrame(rng: Rng, f: Frame): Frame {
  switch (rng.int(9)) {
    case 0: return { ...f, fin: !f.fin };
    case 1: return { ...f, rsv: 1 + rng.int(7) };
    case 2: return { ...f, opcode: rng.int(16) };
    case 3: return { ...f, masked: !f.masked };
    case 4: return { ...f, lenWidth: rng.pick([2, 8] as const) };
    case 5: { const bad = rng.pick(INVALID_UTF8); const at = rng.int(f.payload.length + 1); return { ...f, payload: Uint8Array.from([...f.payload.subarray(0, at), ...bad, ...f.payload.subarray(at)]) }; }
    case 6: return { ...f, payload: new Uint8Array(rng.pick(SIZES)).fill(0x61) };
    case 7: return { ...f, opcode: 0x8, payload: rng.chance(0.2) ? Uint8Array.of(3) : closePayload(rng.pick(CLOSE_CODES), rng.pick(['', 'bye', 'x'.repeat(124), '\u00e9'])) };
    default: return { ...f, payload: byteMutation(rng, f.payload, f.payload) };
  }
}

/** Frame-level mutations of the stream (mutate, duplicate, drop or swap frames); sometimes raw bytes. */
function mutateFrames(rng: Rng, seed: Uint8Array, other: Uint8Array): Uint8Array {
  if (rng.chance(0.1)) return byteMutation(rng, seed, other);
  const fs = decodeFrames(seed).frames;
  const more = decodeFrames(other).frames;
  for (let n = 1 + rng.int(3); n > 0 && fs.length > 0; n--) {
    const i = rng.int(fs.length);
    const r = rng.int(10);
    if (r < 6) fs[i] = mutateFrame(rng, fs[i]!);
    else if (r < 7) fs.splice(i, 0, fs[i]!);
    else if (r < 8 && fs.length > 1) fs.splice(i, 1);
    else if (r < 9 && more.length > 0) fs.splice(i, 0, rng.pick(more));
    else fs.reverse();
  }
  return encodeFrames(fs);
}

const UPGRADE_HEADERS: Record<string, Array<string | null>> = {
  upgrade: [null, 'WebSocket', 'h2c', ''],
  connection: [null, 'keep-alive', 'Upgrade, keep-alive', 'close'],
  'sec-websocket-key': [null, '', 'short', 'dGhlIHNhbXBsZSBub25jZQ==', '!!!!!!!!!!!!!!!!!!!!!!=='],
  'sec-websocket-version': [null, '', '8', '12', '13, 8', 'abc', '99999999999'],
  'sec-websocket-protocol': ['a, b', ',,', 'a b', 'x'.repeat(300)],
  'sec-websocket-extensions': ['permessage-deflate', 'permessage-deflate; client_max_window_bits=99', 'garbage;;', 'x-unknown'],
  origin: ['http://evil.example', 'null'],
};
const PATHS = ['/events', '/events/', '/status', '/nope', '/blocks/x', '/events%zz', '/EVENTS', `/blocks/${'1'.repeat(200)}`];

function mutateUpgrade(rng: Rng, c: WsCase): WsCase {
  const [path, query = ''] = c.path.split(/\?(.*)/s) as [string, string?];
  const r = rng.int(10);
  if (r < 5) {
    const pairs = query ? query.split('&') : [];
    const value = rng.chance(0.2) ? 'block,'.repeat(rng.pick([10, 2_000, 3_000])) : rng.chance(0.3) ? encodeURIComponent(rng.pick(['é', ' ', '\u0000', '%', '&'])) : rng.pick(TYPES_VALUES);
    const key = rng.chance(0.85) ? 'types' : rng.pick(['__proto__', 'constructor', 'type', '', 'types[]']);
    if (rng.chance(0.3) && pairs.length) pairs.push(pairs[0]!);
    else pairs.splice(rng.int(pairs.length + 1), rng.chance(0.5) ? 1 : 0, `${key}=${value}`);
    return { ...c, path: pairs.length ? `${path}?${pairs.join('&')}` : path };
  }
  if (r < 9) {
    const name = rng.pick(Object.keys(UPGRADE_HEADERS));
    return { ...c, headers: { ...c.headers, [name]: rng.pick(UPGRADE_HEADERS[name]!) } };
  }
  return { ...c, path: rng.pick(PATHS) + (query ? `?${query}` : '') };
}

export function wsSurfaces(url: string): RequestSurface<WsCase>[] {
  const text = (s: string) => encodeFrames([frame(0x1, s)]);
  const base = {
    run: (c: WsCase) => judge(url, c),
    store: (c: WsCase) => ({ path: c.path, headers: c.headers, bytes: toHex(c.bytes) }),
    load: (x: unknown) => {
      const s = x as { path: string; headers: Record<string, string | null>; bytes: string };
      return { path: s.path, headers: s.headers, bytes: fromHex(s.bytes) };
    },
  };
  const frames = [
    [frame(0x1, 'hello')],
    [frame(0x2, new Uint8Array(16).fill(7))],
    [frame(0x9, 'p'), frame(0xa, 'q')],
    [frame(0x1, 'hel', { fin: false }), frame(0x9, ''), frame(0x0, 'lo')],
    [frame(0x2, new Uint8Array(MAX_PAYLOAD))],
    [frame(0x1, utf8('é€\u{1F600}'))],
    [frame(0x8, closePayload(1000, 'bye'))],
  ];
  return [
    { ...base, name: 'events-upgrade', seeds: ['/events', '/events?types=block', '/events?types=tx,pending-tx'].map((path) => ({ path, headers: {}, bytes: text('hi') })), mutate: (rng, s) => mutateUpgrade(rng, s) },
    { ...base, name: 'events-frames', seeds: frames.map((fs) => ({ path: '/events?types=block', headers: {}, bytes: encodeFrames(fs) })), mutate: (rng, s, o) => ({ ...s, bytes: mutateFrames(rng, s.bytes, o.bytes) }) },
  ];
}
