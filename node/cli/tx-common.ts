/** What every `quarry tx …` command shares: its options and signing, broadcasting and printing. */
import type { Command } from 'commander';
import type { Msg } from '../modules/types.ts';
import { parseAmount } from '../../client/amount.ts';
import { homeOf, printJson, withRpc } from './util.ts';

export interface TxFlags {
  from: string;
  rpc: string;
  fee?: string;
  expiresIn?: string;
  wait: boolean;
}

export function txCommand(parent: Command, name: string): Command {
  return withRpc(parent.command(name).requiredOption('--from <key>', 'name of the signing key in <home>/keys'))
    .option('--fee <amount>', 'fee (default: the minimum the node accepts)')
    .option('--expires-in <blocks>', 'refuse inclusion after this many blocks (default: never)')
    .option('--no-wait', 'return after submission instead of waiting for the block');
}

/** Signs, broadcasts and prints the result; returns the transaction hash. */
export async function signAndSend(cmd: Command, flags: TxFlags, msgs: Msg[]): Promise<string> {
  const [{ loadAccountKey }, { RpcClient }, { broadcastTx, buildTx }] = await Promise.all([import('../crypto/keyfile.ts'), import('../../client/rpc.ts'), import('../../client/tx-builder.ts')]);
  const key = loadAccountKey(homeOf(cmd), flags.from);
  const rpc = new RpcClient(flags.rpc);
  const { bytes } = await buildTx(rpc, key, msgs, {
    fee: flags.fee ? parseAmount(flags.fee) : undefined,
    expiresIn: flags.expiresIn ? BigInt(flags.expiresIn) : undefined,
  });
  const result = await broadcastTx(rpc, bytes, flags.wait);
  printJson(result);
  const code = (result as { result?: { code: string } }).result?.code;
  if (code && code !== 'OK') process.exitCode = 1;
  return result.hash;
}
