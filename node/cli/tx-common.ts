/** What every `quarry tx …` command shares: its options and signing, broadcasting and printing. */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import type { Command } from 'commander';

import { parseAmount } from '../../client/amount.ts';
import { TxFailedError } from '../../client/errors.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { count, homeOf, printJson, withRpc } from './util.ts';

export interface TxFlags {
  from: string;
  rpc: string;
  fee?: string;
  expiresIn?: string;
  wait: boolean;
  json?: boolean;
}

export function txCommand(parent: Command, name: string): Command {
  return withRpc(parent.command(name).requiredOption('--from <key>', 'name of the signing key in <home>/keys'))
    .option('--fee <amount>', 'fee (default: the minimum the node accepts)')
    .option('--expires-in <blocks>', 'refuse inclusion after this many blocks (default: never)')
    .option('--no-wait', 'return after submission instead of waiting for the block')
    .option('--json', 'print the full result as JSON');
}

/**
 * Signs, broadcasts and prints one line (`--json`: the full result); returns the transaction hash.
 * A transaction whose execution failed throws TxFailedError, which the CLI prints as one
 * `error: E_CODE: …` line with exit code 1.
 */
export async function signAndSend(cmd: Command, flags: TxFlags, msgs: AnyMsg[]): Promise<string> {
  // flags first: a bad one is reported before any key file or network is touched
  const options = { fee: flags.fee ? parseAmount(flags.fee) : undefined, expiresIn: flags.expiresIn ? count(flags.expiresIn, '--expires-in') : undefined };
  const [{ loadAccountKey }, { RpcClient }, { broadcastTx, buildTx }] = await Promise.all([import('../crypto/keyfile.ts'), import('../../client/rpc.ts'), import('../../client/tx-builder.ts')]);
  const key = loadAccountKey(homeOf(cmd), flags.from);
  const rpc = new RpcClient(flags.rpc);
  const { bytes } = await buildTx(rpc, key, msgs, options);
  const result = await broadcastTx(rpc, bytes, flags.wait);
  if (flags.json) printJson(result);
  if (!('result' in result)) {
    if (!flags.json) process.stdout.write(`submitted ${result.hash}\n`);
    return result.hash;
  }
  const { code, log } = result.result;
  if (code !== 'OK') throw new TxFailedError(code, `${log || 'execution failed'} (tx ${result.hash} at height ${result.height})`, result.hash, result.height);
  if (!flags.json) process.stdout.write(`committed ${result.hash} at height ${result.height}\n`);
  return result.hash;
}

/** `--commission <percent>` as ppm. */
export function commissionPpm(percent: string): bigint {
  const v = Number(percent);
  if (!Number.isFinite(v) || v < 0 || v > 100) throw new QuarryError('E_BAD_REQUEST', '--commission must be a percentage from 0 to 100');
  return BigInt(Math.round(v * 10_000));
}
