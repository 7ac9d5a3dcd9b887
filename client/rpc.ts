/**
 * Minimal HTTP JSON client for a Quarry node's RPC, used by the CLI and the SDK. Errors from the
 * node keep their stable codes: they surface as `RpcError` with `.code` (e.g. E_SEQUENCE). A
 * server that does not answer like a Quarry node (not JSON, or an error without a code) is
 * E_BAD_RESPONSE, so a wrong URL is named as such instead of failing later on a missing field.
 */
import { QuarryClientError, RpcError } from './errors.ts';

export { RpcError };

/** The URL without trailing slashes; E_RPC_URL unless it is an http(s) URL. */
export function checkRpcUrl(url: string): string {
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // not a URL at all, e.g. "127.0.0.1:26657"
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new QuarryClientError('E_RPC_URL', `RPC URL "${url}" needs an http:// or https:// scheme (e.g. http://${url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')})`);
  }
  return url.replace(/\/+$/, '');
}

const isTimeout = (err: unknown) => err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');

export class RpcClient {
  readonly baseUrl: string;
  constructor(url: string, private readonly timeoutMs = 10_000) {
    this.baseUrl = checkRpcUrl(url);
  }

  async get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** Uploads raw bytes (circuit artifacts). */
  async putBytes<T>(path: string, bytes: Uint8Array): Promise<T> {
    return this.parse<T>(await this.send(path, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes.slice() }));
  }

  /** Downloads raw bytes (circuit artifacts). */
  async getBytes(path: string): Promise<Uint8Array> {
    const res = await this.send(path, { method: 'GET' });
    if (!res.ok) await this.parse(res);
    return new Uint8Array(await res.arrayBuffer());
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetch(this.baseUrl + path, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (err) {
        // A GET sent on a pooled keep-alive socket the node closed meanwhile fails at once ("other
        // side closed"): it happens after this process blocked its event loop for a while (the
        // light client's o1js verification takes a minute). GETs are idempotent: once more, fresh.
        if (attempt === 0 && init.method === 'GET' && !isTimeout(err)) continue;
        throw new RpcError('E_UNAVAILABLE', `cannot reach the node at ${this.baseUrl}: ${(err as Error).cause ?? (err as Error).message}`, 0);
      }
    }
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return this.parse<T>(res);
  }

  private async parse<T>(res: Response): Promise<T> {
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      throw this.notQuarry(res, 'not JSON');
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      if (typeof e?.code !== 'string') throw this.notQuarry(res, 'an error without a code');
      throw new RpcError(e.code, typeof e.message === 'string' ? e.message : `HTTP ${res.status}`, res.status);
    }
    return json as T;
  }

  private notQuarry(res: Response, what: string): RpcError {
    return new RpcError('E_BAD_RESPONSE', `${this.baseUrl} is not a Quarry node: it answered HTTP ${res.status} with ${what}`, res.status);
  }
}
