/**
 * The `quarry` command line (commander). Each top-level command lives in its own file, which is
 * loaded only when that command runs: `quarry --help` loads none of them, `quarry query …` only
 * cmd-query.ts. The command modules in turn import heavy modules (o1js, blst, snarkjs, the node,
 * ink) inside their actions, so help and queries start in a fraction of a second.
 */
import { Command, Help, type Option } from 'commander';
import { readFileSync } from 'node:fs';
import { exitWithError } from './util.ts';

type Register = (cmd: Command) => void;

/** Top-level commands: name, one-line description, and the module that defines the rest. */
const COMMANDS: Array<[string, string, () => Promise<Register>]> = [
  ['init', 'create a home directory: config.json, an operator account key, a validator key and genesis.json', async () => (await import('./cmd-init.ts')).registerInit],
  ['keys', 'manage account keys', async () => (await import('./cmd-keys.ts')).registerKeys],
  ['node', 'run a node, a miner or the epoch prover', async () => (await import('./cmd-node.ts')).registerNode],
  ['tx', 'sign and broadcast transactions', async () => (await import('./cmd-tx.ts')).registerTx],
  ['query', 'query chain state', async () => (await import('./cmd-query.ts')).registerQuery],
  ['genesis', 'build and inspect genesis files', async () => (await import('./cmd-genesis.ts')).registerGenesis],
  ['devnet', 'run a local multi-process devnet (validators and miners on loopback; INSECURE well-known keys); its home is --home, default ./.quarry-devnet, and persists', async () => (await import('./cmd-devnet.ts')).registerDevnet],
  ['testnet', 'run validators in network namespaces under load and perturbations (kill, pause, partitions, latency) and check the outcome; needs root', async () => (await import('./cmd-testnet.ts')).registerTestnet],
  ['puzzle', 'prove and verify puzzle statements outside a chain', async () => (await import('./cmd-puzzle.ts')).registerPuzzle],
  ['tui', 'live dashboard: chain, validators, mempool, puzzle, market, peers and a local miner (tab moves, enter zooms, q quits)', async () => (await import('./cmd-tui.ts')).registerTui],
  ['light', 'light client: verify chain state from genesis (epoch proof → validator set → commit → Merkle proof)', async () => (await import('./cmd-light.ts')).registerLight],
];

/** The top-level command the arguments name (`help X` names X), skipping global options. */
function invoked(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--home') i++;
    else if (!a.startsWith('-')) return a === 'help' ? args[i + 1] : a;
  }
  return undefined;
}

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const program = new Command('quarry')
  .description('Quarry: a proof-mining layer-1 chain (provers mine Groth16 proofs, staked validators finalize blocks)')
  .version(version)
  .option('--home <dir>', 'home directory (default: $QUARRY_HOME or ~/.quarry)')
  // usage errors (unknown command or option, missing required option) become one E_USAGE line
  .configureOutput({ outputError: (str, write) => write(`error: E_USAGE: ${str.replace(/^error: /, '').trim().split('\n').join(' ')}\n`) })
  .configureHelp({
    optionDescription(this: Help, option: Option) {
      return Help.prototype.optionDescription.call(this, option) + (option.mandatory ? ' (required)' : '');
    },
  })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 1));

try {
  const name = invoked(process.argv.slice(2));
  for (const [n, description, load] of COMMANDS) {
    const cmd = program.command(n).description(description);
    if (n === name) (await load())(cmd);
  }
  await program.parseAsync(process.argv);
} catch (err) {
  exitWithError(err);
}
