/** `quarry tx send|multi-send` (and the stake and market groups): signed transactions through a node's RPC. */
import type { Command } from 'commander';
import { parseAmount } from '../../client/amount.ts';

import { QuarryError } from '../../protocol/errors.ts';
import { action, addressBytes } from './util.ts';
import { signAndSend, txCommand, type TxFlags } from './tx-common.ts';
import { registerStake } from './cmd-stake.ts';
import { registerMarketTx } from './cmd-market.ts';

export function registerTx(tx: Command): void {
  registerStake(tx);
  registerMarketTx(tx);

  txCommand(tx, 'send')
    .description('send QRY to an address')
    .requiredOption('--to <address>', 'recipient qry1… address')
    .requiredOption('--amount <amount>', 'amount, e.g. 2.5qry or 2500000uqry')
    .action(
      action(async (flags: TxFlags & { to: string; amount: string }, cmd: Command) => {
        await signAndSend(cmd, flags, [{ type: 'bank/send', to: await addressBytes(flags.to), amount: parseAmount(flags.amount) }]);
      }),
    );

  txCommand(tx, 'multi-send')
    .description('pay several recipients in one message: --out qry1…:2qry --out qry1…:5uqry')
    .requiredOption('--out <address:amount...>', 'recipient and amount (repeatable)')
    .action(
      action(async (flags: TxFlags & { out: string[] }, cmd: Command) => {
        const outputs = await Promise.all(flags.out.map(async (o) => {
          const at = o.indexOf(':');
          if (at < 0) throw new QuarryError('E_BAD_REQUEST', `--out "${o}" must be address:amount`);
          return { to: await addressBytes(o.slice(0, at)), amount: parseAmount(o.slice(at + 1)) };
        }));
        await signAndSend(cmd, flags, [{ type: 'bank/multi-send', outputs }]);
      }),
    );
}
