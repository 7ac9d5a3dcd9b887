/** `quarry tx send|multi-send`: build, sign and broadcast transactions through a node's RPC. */
import type { Command } from 'commander';
import { loadAccountKey } from '../crypto/keyfile.ts';
import { decodeAddress } from '../crypto/address.ts';
import { parseAmount } from '../../client/amount.ts';
import { RpcClient } from '../../client/rpc.ts';
import { broadcastTx, buildTx } from '../../client/tx-builder.ts';
import type { Msg } from '../modules/types.ts';
import { QuarryError } from '../errors.ts';
import { action, DEFAULT_RPC, homeOf, printJson } from './util.ts';
import { registerStake } from './cmd-stake.ts';
import { registerMarketTx } from './cmd-market.ts';

export interface TxFlags {
  from: string;
  rpc: string;
  fee?: string;
  expiresIn?: string;
  wait: boolean;
}

export function txCommand(parent: Command, name: string): Command {
  return parent
    .command(name)
    .requiredOption('--from <key>', 'name of the signing key in <home>/keys')
    .option('--rpc <url>', 'node RPC URL', DEFAULT_RPC)
    .option('--fee <amount>', 'fee (default: the minimum the node accepts)')
    .option('--expires-in <blocks>', 'refuse inclusion after this many blocks (default: never)')
    .option('--no-wait', 'return after submission instead of waiting for the block');
}

/** Signs, broadcasts and prints the result; returns the transaction hash. */
export async function signAndSend(cmd: Command, flags: TxFlags, msgs: Msg[]): Promise<string> {
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

export function registerTx(program: Command): void {
  const tx = program.command('tx').description('sign and broadcast transactions');
  registerStake(tx);
  registerMarketTx(tx);

  txCommand(tx, 'send')
    .description('send QRY to an address')
    .requiredOption('--to <address>', 'recipient qry1… address')
    .requiredOption('--amount <amount>', 'amount, e.g. 2.5qry or 2500000uqry')
    .action(
      action(async (flags: TxFlags & { to: string; amount: string }, cmd: Command) => {
        await signAndSend(cmd, flags, [{ type: 'bank/send', to: decodeAddress(flags.to), amount: parseAmount(flags.amount) } as Msg]);
      }),
    );

  txCommand(tx, 'multi-send')
    .description('pay several recipients in one message: --out qry1…:2qry --out qry1…:5uqry')
    .requiredOption('--out <address:amount...>', 'recipient and amount (repeatable)')
    .action(
      action(async (flags: TxFlags & { out: string[] }, cmd: Command) => {
        const outputs = flags.out.map((o) => {
          const at = o.indexOf(':');
          if (at < 0) throw new QuarryError('E_BAD_REQUEST', `--out "${o}" must be address:amount`);
          return { to: decodeAddress(o.slice(0, at)), amount: parseAmount(o.slice(at + 1)) };
        });
        await signAndSend(cmd, flags, [{ type: 'bank/multi-send', outputs } as Msg]);
      }),
    );
}
