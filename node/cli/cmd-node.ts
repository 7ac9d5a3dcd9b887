/** `quarry node start|validate`: run a full node or a validator from the home directory. */
import type { Command } from 'commander';
import { QuarryError } from '../../protocol/errors.ts';
import type { LogFormat } from '../log.ts';
import { action, homeOf } from './util.ts';
import { registerMine } from './cmd-mine.ts';
import { registerProveEpochs } from './cmd-light.ts';

interface NodeFlags {
  rpcListen?: string;
  blockTime?: string;
  logLevel?: string;
  logFormat?: LogFormat;
}

function overrides(f: NodeFlags): Record<string, unknown> {
  const o: Record<string, Record<string, unknown>> = {};
  if (f.rpcListen) o.rpc = { listen: f.rpcListen };
  if (f.blockTime) {
    const ms = Number(f.blockTime);
    if (!Number.isInteger(ms) || ms < 10) throw new QuarryError('E_CONFIG', '--block-time must be an integer number of ms ≥ 10');
    o.consensus = { blockTimeMs: ms };
  }
  return o;
}

function nodeOptions(cmd: Command): Command {
  return cmd
    .option('--rpc-listen <host:port>', 'RPC listen address (default from config: 127.0.0.1:26657)')
    .option('--block-time <ms>', 'target block time in ms (default from config: 1000)')
    .option('--log-level <level>', 'trace|debug|info|warn|error')
    .option('--log-format <format>', 'json|compact (default: compact on a terminal, else json)');
}

export function registerNode(node: Command): void {
  registerMine(node);
  registerProveEpochs(node);

  nodeOptions(node.command('start'))
    .description('run a node; it validates too when the home holds a validator key in the active set')
    .action(
      action(async (flags: NodeFlags, cmd: Command) => {
        const { startNode, stopOnSignals } = await import('./run-node.ts');
        const n = await startNode({ home: homeOf(cmd), overrides: overrides(flags), logFormat: flags.logFormat, logLevel: flags.logLevel, validator: true });
        await stopOnSignals(n);
      }),
    );

  nodeOptions(node.command('validate'))
    .description('run a validator (requires <home>/validator-key.json)')
    .action(
      action(async (flags: NodeFlags, cmd: Command) => {
        const [{ startNode, stopOnSignals }, { loadValidatorKey }] = await Promise.all([import('./run-node.ts'), import('../crypto/keyfile.ts')]);
        const home = homeOf(cmd);
        if (!loadValidatorKey(home)) throw new QuarryError('E_CONFIG', `no validator key at ${home}/validator-key.json`);
        const n = await startNode({ home, overrides: overrides(flags), logFormat: flags.logFormat, logLevel: flags.logLevel, validator: true });
        if (!n.driver) {
          await n.stop();
          throw new QuarryError('E_CONFIG', 'this validator key is not in the active validator set');
        }
        await stopOnSignals(n);
      }),
    );
}
