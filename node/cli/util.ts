/**
 * Shared CLI helpers: home resolution, output, and one-line errors with non-zero exit codes.
 * Command modules import only this, commander's types and other cheap modules at the top; anything
 * heavy is imported inside the action that needs it, so `--help` and queries start fast.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { QuarryError } from '../../protocol/errors.ts';
import { QuarryClientError } from '../../client/errors.ts';
import { checkRpcUrl } from '../../client/rpc.ts';
import { resolveHome, homePaths } from '../home.ts';

export const DEFAULT_RPC = 'http://127.0.0.1:26657';

/** Adds the `--rpc <url>` option every command talking to a node takes (checked while parsing: E_RPC_URL). */
export function withRpc(cmd: Command, help = 'node RPC URL'): Command {
  return cmd.option('--rpc <url>', help, checkRpcUrl, DEFAULT_RPC);
}

/** The `--home` of this command or any ancestor. */
export function homeOf(cmd: Command): string {
  let c: Command | null = cmd;
  while (c) {
    const h = c.opts().home as string | undefined;
    if (h) return resolveHome(h);
    c = c.parent;
  }
  return resolveHome();
}

export function requireInitialized(home: string): void {
  if (!existsSync(homePaths(home).genesis)) {
    throw new QuarryError('E_CONFIG', `${home} is not initialized: run "quarry init --home ${home}" first`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
}

/** Prints `error: CODE: message` on one line (E_INTERNAL for an untyped error) and exits non-zero. */
export function exitWithError(err: unknown): never {
  const code = err instanceof QuarryError || err instanceof QuarryClientError ? err.code : 'E_INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${code}: ${message.split('\n').join(' ')}\n`);
  process.exit(1);
}

/** Wraps an async action so any failure becomes a one-line error. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<unknown> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      exitWithError(err);
    }
  };
}

/** The list under `key` in a node's answer; E_BAD_RESPONSE when there is none (not a Quarry node). */
export function listIn<T>(answer: unknown, key: string, rpc: string): T[] {
  const list = (answer as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(list)) throw new QuarryClientError('E_BAD_RESPONSE', `${rpc} is not a Quarry node: its answer has no "${key}" list`);
  return list as T[];
}

/** The integer value of option `--name`, within [min, max] (E_CONFIG otherwise). */
export function int(v: string, name: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < min || n > max) throw new QuarryError('E_CONFIG', `--${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** A whole number given as option `what` (E_BAD_REQUEST otherwise, rather than BigInt's untyped SyntaxError). */
export function count(s: string, what: string): bigint {
  if (!/^\d+$/.test(s)) throw new QuarryError('E_BAD_REQUEST', `${what} must be a whole number`);
  return BigInt(s);
}

/** A qry1… address's bytes (bech32 and SHA-256 load here, in the action, not for `--help`). */
export async function addressBytes(text: string): Promise<Uint8Array> {
  return (await import('../../protocol/crypto/address.ts')).decodeAddress(text);
}
