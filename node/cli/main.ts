/** The `quarry` command line (commander). Each command group lives in its own file. */
import { Command } from 'commander';
import { registerInit } from './cmd-init.ts';
import { registerKeys } from './cmd-keys.ts';
import { registerNode } from './cmd-node.ts';
import { registerTx } from './cmd-tx.ts';
import { registerQuery } from './cmd-query.ts';
import { registerGenesis } from './cmd-genesis.ts';
import { registerDevnet } from './cmd-devnet.ts';
import { registerPuzzle } from './cmd-puzzle.ts';
import { registerTui } from './cmd-tui.ts';
import { registerLight } from './cmd-light.ts';
import { exitWithError } from './util.ts';

const program = new Command('quarry')
  .description('Quarry: a proof-mining layer-1 chain (provers mine Groth16 proofs, staked validators finalize blocks)')
  .option('--home <dir>', 'home directory (default: $QUARRY_HOME or ~/.quarry)')
  .configureOutput({ outputError: (str, write) => write(str.split('\n')[0] + '\n') })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 1));

for (const register of [registerInit, registerKeys, registerNode, registerTx, registerQuery, registerGenesis, registerDevnet, registerPuzzle, registerTui, registerLight]) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  exitWithError(err);
}
