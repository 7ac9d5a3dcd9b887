/** `quarry genesis new|add-account|add-validator|devnet|show`: build and inspect genesis files. */
import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import type { Genesis } from '../genesis.ts';
import { homePaths } from '../home.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { parseAmount } from '../../client/amount.ts';
import { action, addressBytes, count, homeOf } from './util.ts';

// the genesis codec and builder pull in the execution modules and BLS: loaded by the actions
const genesisLib = () => import('../genesis.ts');
const builder = () => import('../../genesis/builder.ts');

function fileOf(cmd: Command, file?: string): string {
  return file ?? homePaths(homeOf(cmd)).genesis;
}

async function save(path: string, g: Genesis): Promise<void> {
  const { genesisHash, genesisToJson } = await genesisLib();
  writeFileSync(path, JSON.stringify(genesisToJson(g), null, 2) + '\n');
  process.stdout.write(`wrote ${path} (genesis hash ${toHex(genesisHash(g))})\n`);
}

export function registerGenesis(genesis: Command): void {

  genesis
    .command('new')
    .description('start an empty genesis file')
    .requiredOption('--chain-id <id>', 'chain id, e.g. quarry-test-1')
    .option('--file <path>', 'genesis file (default: <home>/genesis.json)')
    .option('--time <ms>', 'genesis time in ms since the Unix epoch (default: now)')
    .option('--force', 'overwrite an existing file')
    .action(
      action(async (o: { chainId: string; file?: string; time?: string; force?: boolean }, cmd: Command) => {
        const path = fileOf(cmd, o.file);
        if (existsSync(path) && !o.force) throw new QuarryError('E_CONFIG', `${path} exists (use --force to overwrite)`);
        await save(path, (await builder()).newGenesis(o.chainId, o.time === undefined ? BigInt(Date.now()) : count(o.time, '--time')));
      }),
    );

  genesis
    .command('add-account <address> <amount>')
    .description('fund an account at genesis')
    .option('--file <path>', 'genesis file (default: <home>/genesis.json)')
    .action(
      action(async (address: string, amount: string, o: { file?: string }, cmd: Command) => {
        const path = fileOf(cmd, o.file);
        const [{ loadGenesisFile }, { addAccount }] = await Promise.all([genesisLib(), builder()]);
        await save(path, addAccount(loadGenesisFile(path, { draft: true }), address, parseAmount(amount)));
      }),
    );

  genesis
    .command('add-validator <operator>')
    .description("add this home's validator key (validator-key.json) with an operator account")
    .option('--file <path>', 'genesis file (default: <home>/genesis.json)')
    .option('--power <n>', 'voting power', '100')
    .action(
      action(async (operator: string, o: { file?: string; power: string }, cmd: Command) => {
        const [{ loadValidatorKey, validatorRegistration }, { loadGenesisFile }, { addValidator }] = await Promise.all([import('../crypto/keyfile.ts'), genesisLib(), builder()]);
        const key = loadValidatorKey(homeOf(cmd));
        if (!key) throw new QuarryError('E_KEY', `no validator key in ${homeOf(cmd)}`);
        const path = fileOf(cmd, o.file);
        await save(path, addValidator(loadGenesisFile(path, { draft: true }), operator, await validatorRegistration(key, await addressBytes(operator)), count(o.power, '--power')));
      }),
    );

  genesis
    .command('devnet')
    .description('write the devnet genesis (well-known, INSECURE keys) reproducibly')
    .option('--validators <n>', 'number of validators', '4')
    .option('--file <path>', 'output file', 'genesis/devnet.json')
    .action(action(async (o: { validators: string; file: string }) => save(o.file, await (await builder()).devnetGenesis(Number(o.validators)))));

  genesis
    .command('show')
    .description('validate a genesis file and print its hash and contents')
    .option('--file <path>', 'genesis file (default: <home>/genesis.json)')
    .action(
      action(async (o: { file?: string }, cmd: Command) => {
        const { genesisHash, genesisToJson, loadGenesisFile } = await genesisLib();
        const g = loadGenesisFile(fileOf(cmd, o.file));
        process.stdout.write(JSON.stringify({ hash: toHex(genesisHash(g)), ...genesisToJson(g) }, null, 2) + '\n');
      }),
    );
}

