/** `quarry tx stake …`: staking transactions. */
import type { Command } from 'commander';
import { QuarryError } from '../../protocol/errors.ts';
import { parseAmount } from '../../client/amount.ts';

import { action, addressBytes, homeOf } from './util.ts';
import { commissionPpm as ppm, signAndSend, txCommand, type TxFlags } from './tx-common.ts';

export function registerStake(tx: Command): void {
  const stake = tx.command('stake').description('staking transactions');

  txCommand(stake, 'create-validator')
    .description("become a validator with this home's validator-key.json (BLS and Pallas keys with proofs of possession)")
    .requiredOption('--self-bond <amount>', 'self-delegation, at least the chain minimum')
    .option('--commission <percent>', 'commission on delegators\' rewards', '10')
    .option('--moniker <name>', 'display name', '')
    .action(
      action(async (f: TxFlags & { selfBond: string; commission: string; moniker: string }, cmd: Command) => {
        const { loadAccountKey, loadValidatorKey, validatorRegistration } = await import('../crypto/keyfile.ts');
        const key = loadValidatorKey(homeOf(cmd));
        if (!key) throw new QuarryError('E_KEY', `no validator key in ${homeOf(cmd)} (quarry init creates one)`);
        const reg = await validatorRegistration(key, await addressBytes(loadAccountKey(homeOf(cmd), f.from).address));
        const keys = { blsPubKey: reg.blsPublicKey, proofOfPossession: reg.proofOfPossession, pallasPubKey: reg.pallasPubKey, pallasProofOfPossession: reg.pallasProofOfPossession };
        await signAndSend(cmd, f, [
          { type: 'staking/create-validator', ...keys, commissionPpm: ppm(f.commission), moniker: f.moniker, selfBond: parseAmount(f.selfBond) },
        ]);
      }),
    );

  txCommand(stake, 'edit-validator')
    .description("change your validator's commission and moniker")
    .requiredOption('--commission <percent>', 'new commission')
    .option('--moniker <name>', 'display name', '')
    .action(action(async (f: TxFlags & { commission: string; moniker: string }, cmd: Command) => signAndSend(cmd, f, [{ type: 'staking/edit-validator', commissionPpm: ppm(f.commission), moniker: f.moniker }])));

  for (const [name, type, help] of [
    ['delegate', 'staking/delegate', 'bond QRY to a validator'],
    ['undelegate', 'staking/undelegate', 'start unbonding (returned after the unbonding period)'],
  ] as const) {
    txCommand(stake, name)
      .description(help)
      .requiredOption('--validator <qry1…>', 'validator operator address')
      .requiredOption('--amount <amount>', 'amount, e.g. 100qry')
      .action(action(async (f: TxFlags & { validator: string; amount: string }, cmd: Command) => signAndSend(cmd, f, [{ type, validator: await addressBytes(f.validator), amount: parseAmount(f.amount) }])));
  }

  txCommand(stake, 'redelegate')
    .description('move stake between validators at once')
    .requiredOption('--from-validator <qry1…>', 'source validator')
    .requiredOption('--to-validator <qry1…>', 'destination validator')
    .requiredOption('--amount <amount>', 'amount')
    .action(
      action(async (f: TxFlags & { fromValidator: string; toValidator: string; amount: string }, cmd: Command) =>
        signAndSend(cmd, f, [{ type: 'staking/redelegate', from: await addressBytes(f.fromValidator), to: await addressBytes(f.toValidator), amount: parseAmount(f.amount) }]),
      ),
    );

  txCommand(stake, 'claim')
    .description('withdraw rewards from a validator (and commission, for its operator)')
    .requiredOption('--validator <qry1…>', 'validator operator address')
    .action(action(async (f: TxFlags & { validator: string }, cmd: Command) => signAndSend(cmd, f, [{ type: 'staking/claim', validator: await addressBytes(f.validator) }])));

  txCommand(stake, 'unjail')
    .description('bring your jailed validator back from the next epoch')
    .action(action(async (f: TxFlags, cmd: Command) => signAndSend(cmd, f, [{ type: 'staking/unjail' }])));
}
