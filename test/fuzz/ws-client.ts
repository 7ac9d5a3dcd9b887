/**
 * A raw WebSocket client for the fuzzer: it writes the handshake and the frames byte for byte (a
 * library client refuses to send reserved bits, unknown opcodes, oversized control frames or bad
 * close codes, which are exactly what the server must survive), then reads what the server does.
 */
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { utf8 } from '../../protocol/encoding/bytes.ts';

export interface Frame {
  fin: boolean;
  /** RSV1–3 as the top bits of a 3-bit number. */
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
  /** 0: the minimal length encoding; 2 or 8: a 16- or 64-bit length even when shorter would do. */
  lenWidth: 0 | 2 | 8;
}

export const frame = (opcode: number, payload: Uint8Array | string, o: Partial<Frame> = {}): Frame => ({
  fin: true, rsv: 0, opcode, masked: true, lenWidth: 0, ...o, payload: typeof payload === 'string' ? utf8(payload) : payload,
});

export function closePayload(code: number, reason = ''): Uint8Array {
  return Uint8Array.from([code >> 8, code & 0xff, ...utf8(reason)]);
}

export function encodeFrame(f: Frame): Uint8Array {
  const n = f.payload.length;
  const width = f.lenWidth === 8 || n > 0xffff ? 8 : f.lenWidth === 2 || n > 125 ? 2 : 0;
  const head = [(f.fin ? 0x80 : 0) | ((f.rsv & 7) << 4) | (f.opcode & 0xf), (f.masked ? 0x80 : 0) | (width === 8 ? 127 : width === 2 ? 126 : n)];
  for (let i = width - 1; i >= 0; i--) head.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
  const key = f.masked ? Uint8Array.from([0x37, 0xfa, 0x21, 0x3d]) : new Uint8Array(0);
  const body = f.masked ? f.payload.map((b, i) => b ^ key[i & 3]!) : f.payload;
  return Uint8Array.from([...head, ...key, ...body]);
}

export const encodeFrames = (fs: Frame[]): Uint8Array => Buffer.concat(fs.map(encodeFrame));

/** Splits a stream into frames; the rest (an incomplete frame) is left over. */
export function decodeFrames(b: Uint8Array): { frames: Frame[]; rest: Uint8Array } {
  const frames: Frame[] = [];
  let at = 0;
  for (;;) {
    if (b.length - at < 2) break;
    const len7 = b[at + 1]! & 0x7f;
    const width = len7 === 127 ? 8 : len7 === 126 ? 2 : 0;
    const masked = (b[at + 1]! & 0x80) !== 0;
    const start = at + 2 + width + (masked ? 4 : 0);
    if (b.length < start) break;
    let n = width ? 0 : len7;
    for (let i = 0; i < width; i++) n = n * 256 + b[at + 2 + i]!;
    if (b.length < start + n) break;
    const key = b.subarray(start - 4, start);
    const payload = masked ? b.slice(start, start + n).map((x, i) => x ^ key[i & 3]!) : b.slice(start, start + n);
    frames.push({ fin: (b[at]! & 0x80) !== 0, rsv: (b[at]! >> 4) & 7, opcode: b[at]! & 0xf, masked, payload, lenWidth: width as 0 | 2 | 8 });
    at = start + n;
  }
  return { frames, rest: b.subarray(at) };
}

/** What the server did with a connection. */
export type WsFate =
  | { kind: 'refused'; status: number; body: string }
  /** upgraded, and it answered the ping sent after the frames: the socket is kept */
  | { kind: 'kept' }
  /** upgraded, and it sent a close frame (1005: none in it) */
  | { kind: 'closed'; code: number }
  /** upgraded, then the TCP connection ended without a close frame */
  | { kind: 'dropped' }
  /** upgraded, and it still waits for the rest of a frame the input began */
  | { kind: 'waiting' }
  /** no HTTP answer at all */
  | { kind: 'silent' };

const MARK = utf8('fuzz-end');

/** Opens `path` with `headers` (null: left out), sends `bytes` once upgraded, then a ping, and watches. */
export function exchange(url: string, path: string, headers: Record<string, string | null>, bytes: Uint8Array, waitMs = 300): Promise<WsFate> {
  const { hostname, port } = new URL(url);
  const all: Record<string, string | null> = { host: `${hostname}:${port}`, upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': randomBytes(16).toString('base64'), 'sec-websocket-version': '13', ...headers };
  const head = `GET ${path} HTTP/1.1\r\n${Object.entries(all).flatMap(([k, v]) => (v === null ? [] : [`${k}: ${v}\r\n`])).join('')}\r\n`;
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let done = false;
    const timer = setTimeout(() => finish(upgraded ? { kind: 'waiting' } : { kind: 'silent' }), waitMs);
    const finish = (fate: WsFate) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(fate);
    };
    const onHttp = (ended: boolean) => {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return ended && finish({ kind: 'silent' });
      const text = buf.subarray(0, end).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      if (status === 101) {
        upgraded = true;
        buf = buf.subarray(end + 4);
        socket.write(Buffer.concat([bytes, encodeFrame(frame(0x9, MARK))]));
        return onFrames(ended);
      }
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? NaN);
      const body = buf.subarray(end + 4);
      if (ended || body.length >= length) finish({ kind: 'refused', status, body: body.subarray(0, length).toString('utf8') });
    };
    const onFrames = (ended: boolean) => {
      for (const f of decodeFrames(buf).frames) {
        if (f.opcode === 0x8) return finish({ kind: 'closed', code: f.payload.length >= 2 ? (f.payload[0]! << 8) | f.payload[1]! : 1005 });
        if (f.opcode === 0xa && Buffer.from(f.payload).equals(MARK)) return finish({ kind: 'kept' });
      }
      if (ended) finish({ kind: 'dropped' });
    };
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (upgraded) onFrames(false);
      else onHttp(false);
    });
    socket.on('error', () => undefined); // a reset shows as the close that follows
    socket.on('close', () => (upgraded ? onFrames(true) : onHttp(true)));
  });
}
