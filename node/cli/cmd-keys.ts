/** `quarry keys add|list|show|import`: account keys in <home>/keys (files are 0600). */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { action, homeOf, printJson } from './util.ts';

const keyfile = () => import('../crypto/keyfile.ts');
const mnemonics = () => import('../../protocol/crypto/mnemonic.ts');

export function registerKeys(keys: Command): void {

  keys
    .command('add <name>')
    .description('generate a key from a new BIP-39 mnemonic (printed once)')
    .option('--json', 'print JSON')
    .action(
      action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
        const [{ accountKeyFromPair, saveAccountKey }, { generateMnemonic, keyPairFromMnemonic }] = await Promise.all([keyfile(), mnemonics()]);
        const mnemonic = generateMnemonic();
        const key = accountKeyFromPair(name, keyPairFromMnemonic(mnemonic));
        saveAccountKey(homeOf(cmd), key);
        if (opts.json) printJson({ name, address: key.address, mnemonic });
        else process.stdout.write(`created key "${name}"\n  address   ${key.address}\n  mnemonic  ${mnemonic}\n(write the mnemonic down; it is not stored)\n`);
      }),
    );

  keys
    .command('import <name>')
    .description('import a key from a BIP-39 mnemonic (from --mnemonic, --mnemonic-file or stdin)')
    .option('--mnemonic <words>', 'the mnemonic words')
    .option('--mnemonic-file <file>', 'read the mnemonic from a file')
    .option('--index <n>', 'account index in the derivation path', '0')
    .action(
      action(async (name: string, opts: { mnemonic?: string; mnemonicFile?: string; index: string }, cmd: Command) => {
        const words = opts.mnemonic ?? (opts.mnemonicFile ? readFileSync(opts.mnemonicFile, 'utf8') : readFileSync(0, 'utf8'));
        const index = Number(opts.index);
        if (!Number.isInteger(index) || index < 0 || index >= 2 ** 31) throw new QuarryError('E_KEY', '--index must be an integer in [0, 2^31)');
        const [{ accountKeyFromPair, saveAccountKey }, { keyPairFromMnemonic }] = await Promise.all([keyfile(), mnemonics()]);
        const key = accountKeyFromPair(name, keyPairFromMnemonic(words, index));
        saveAccountKey(homeOf(cmd), key);
        process.stdout.write(`imported key "${name}"\n  address   ${key.address}\n`);
      }),
    );

  keys
    .command('list')
    .description('list keys')
    .option('--json', 'print JSON')
    .action(
      action(async (opts: { json?: boolean }, cmd: Command) => {
        const all = (await keyfile()).listAccountKeys(homeOf(cmd));
        if (opts.json) return printJson(all.map((k) => ({ name: k.name, address: k.address })));
        if (all.length === 0) process.stdout.write('no keys (create one with: quarry keys add <name>)\n');
        for (const k of all) process.stdout.write(`${k.name.padEnd(20)} ${k.address}\n`);
      }),
    );

  keys
    .command('export <name>')
    .description('print a key\'s secret key (hex, what Ed25519Wallet.fromSecretKey takes) and its file, for use outside this home')
    .option('--json', 'print JSON')
    .action(
      action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
        const home = homeOf(cmd);
        const k = (await keyfile()).loadAccountKey(home, name);
        const file = join(home, 'keys', `${name}.json`);
        process.stderr.write('warning: anyone with this secret key controls the account\n');
        if (opts.json) printJson({ name: k.name, address: k.address, secretKey: toHex(k.secretKey), file });
        else process.stdout.write(`${toHex(k.secretKey)}\n`);
      }),
    );

  keys
    .command('show <name>')
    .description('show a key\'s address and public key')
    .action(
      action(async (name: string, _opts: unknown, cmd: Command) => {
        const k = (await keyfile()).loadAccountKey(homeOf(cmd), name);
        printJson({ name: k.name, address: k.address, publicKey: toHex(k.publicKey) });
      }),
    );
}
