/** `quarry init`: create a home directory with config, keys and a genesis file. */
import type { Command } from 'commander';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { QuarryError } from '../errors.ts';
import { homePaths } from '../home.ts';
import { action, addressBytes, homeOf } from './util.ts';

export function registerInit(init: Command): void {
  init
    .option('--chain-id <id>', 'chain id of a new single-validator chain', 'quarry-local-1')
    .option('--genesis <file>', 'join an existing chain with this genesis file instead of creating one')
    .option('--no-validator', 'do not create a validator key (full node only)')
    .action(
      action(async (opts: { chainId: string; genesis?: string; validator: boolean }, cmd: Command) => {
        const [{ writeDefaultConfig }, { accountKeyFromPair, saveAccountKey, saveValidatorKey, validatorKeyFromSecret, validatorRegistration }, { generateMnemonic, keyPairFromMnemonic }, { blsKeyGen }, { genesisToJson, loadGenesisFile }, { addAccount, addValidator, newGenesis }] =
          await Promise.all([import('../config.ts'), import('../crypto/keyfile.ts'), import('../crypto/mnemonic.ts'), import('../crypto/bls.ts'), import('../genesis.ts'), import('../../genesis/builder.ts')]);
        const home = homeOf(cmd);
        const paths = homePaths(home);
        if (existsSync(paths.genesis)) throw new QuarryError('E_CONFIG', `${home} is already initialized (found ${paths.genesis})`);
        mkdirSync(home, { recursive: true, mode: 0o700 });
        writeDefaultConfig(home);
        const mnemonic = generateMnemonic();
        const operator = accountKeyFromPair('operator', keyPairFromMnemonic(mnemonic));
        saveAccountKey(home, operator);
        const validatorKey = opts.validator ? validatorKeyFromSecret(blsKeyGen().secretKey) : null;
        if (validatorKey) saveValidatorKey(home, validatorKey);
        if (opts.genesis) {
          loadGenesisFile(opts.genesis); // validate before copying
          copyFileSync(opts.genesis, paths.genesis);
        } else {
          if (!validatorKey) throw new QuarryError('E_CONFIG', 'a new chain needs a validator: omit --no-validator or pass --genesis');
          let g = newGenesis(opts.chainId, BigInt(Date.now()));
          g = addAccount(g, operator.address, 1_000_000n * 1_000_000n);
          g = addValidator(g, operator.address, await validatorRegistration(validatorKey, await addressBytes(operator.address)), 100n);
          writeFileSync(paths.genesis, JSON.stringify(genesisToJson(g), null, 2) + '\n');
        }
        process.stdout.write(
          [
            `initialized ${home}`,
            `  config     ${paths.config}`,
            `  genesis    ${paths.genesis}`,
            `  operator   ${operator.address} (key "operator")`,
            validatorKey ? `  validator  ${home}/validator-key.json` : '  validator  none (full node)',
            '',
            'operator mnemonic (write it down; it is shown only once):',
            `  ${mnemonic}`,
            '',
            `start the node with: quarry node start --home ${home}`,
            '',
          ].join('\n'),
        );
      }),
    );
}
