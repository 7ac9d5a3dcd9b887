/**
 * Minimal HTTP JSON client for a Quarry node's RPC, used by the CLI and the SDK. Errors from the
 * node keep their stable codes: they surface as `RpcError` with `.code` (e.g. E_SEQUENCE).
 */
import { RpcError } from './errors.ts';

export { RpcError };

export class RpcClient {
  readonly baseUrl: string;
  constructor(url: string, private readonly timeoutMs = 10_000) {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  async get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** Uploads raw bytes (circuit artifacts). */
  async putBytes<T>(path: string, bytes: Uint8Array): Promise<T> {
    return this.parse<T>(await this.send(path, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes }));
  }

  /** Downloads raw bytes (circuit artifacts). */
  async getBytes(path: string): Promise<Uint8Array> {
    const res = await this.send(path, { method: 'GET' });
    if (!res.ok) await this.parse(res);
    return new Uint8Array(await res.arrayBuffer());
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.baseUrl + path, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new RpcError('E_UNAVAILABLE', `cannot reach the node at ${this.baseUrl}: ${(err as Error).cause ?? (err as Error).message}`, 0);
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
      throw new RpcError('E_DECODE', `node answered ${res.status} with non-JSON`, res.status);
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
      throw new RpcError(e?.code ?? 'E_INTERNAL', e?.message ?? `HTTP ${res.status}`, res.status);
    }
    return json as T;
  }
}
