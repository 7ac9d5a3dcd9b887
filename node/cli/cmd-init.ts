/** `quarry init`: create a home directory with config, keys and a genesis file. */
import type { Command } from 'commander';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { QuarryError } from '../errors.ts';
import { homePaths, writeDefaultConfig } from '../config.ts';
import { accountKeyFromPair, saveAccountKey, saveValidatorKey, validatorKeyFromSecret, validatorRegistration } from '../crypto/keyfile.ts';
import { decodeAddress } from '../crypto/address.ts';
import { generateMnemonic, keyPairFromMnemonic } from '../crypto/mnemonic.ts';
import { blsKeyGen } from '../crypto/bls.ts';
import { genesisToJson, loadGenesisFile } from '../genesis.ts';
import { addAccount, addValidator, newGenesis } from '../../genesis/builder.ts';
import { action, homeOf } from './util.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a home directory: config.json, an operator account key, a validator key and genesis.json')
    .option('--chain-id <id>', 'chain id of a new single-validator chain', 'quarry-local-1')
    .option('--genesis <file>', 'join an existing chain with this genesis file instead of creating one')
    .option('--no-validator', 'do not create a validator key (full node only)')
    .action(
      action(async (opts: { chainId: string; genesis?: string; validator: boolean }, cmd: Command) => {
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
          g = addValidator(g, operator.address, await validatorRegistration(validatorKey, decodeAddress(operator.address)), 100n);
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
