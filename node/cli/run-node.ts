/** Starts a node from a home directory and keeps it running until SIGINT/SIGTERM. */
import { QuarryNode } from '../node.ts';
import { homePaths, loadConfig } from '../config.ts';
import { loadGenesisFile } from '../genesis.ts';
import { loadValidatorKey } from '../crypto/keyfile.ts';
import { createLogger, type LogFormat } from '../log.ts';
import { requireInitialized } from './util.ts';

export interface RunOptions {
  home: string;
  overrides?: unknown;
  logFormat?: LogFormat;
  logLevel?: string;
  validator: boolean;
}

export async function startNode(o: RunOptions): Promise<QuarryNode> {
  requireInitialized(o.home);
  const config = loadConfig(o.home, o.overrides);
  const log = createLogger({ level: o.logLevel ?? config.log.level, format: o.logFormat });
  const genesis = loadGenesisFile(homePaths(o.home).genesis);
  const validatorKey = o.validator ? loadValidatorKey(o.home) : null;
  return QuarryNode.start({ home: o.home, config, genesis, validatorKey, log });
}

/** Runs until SIGINT/SIGTERM (resolves) or until the node stops itself on a failure (rejects with it). */
export function stopOnSignals(node: QuarryNode): Promise<void> {
  return new Promise((resolve, reject) => {
    void node.failure.then(reject);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      node.stop().then(resolve, (err) => {
        process.stderr.write(`error during shutdown: ${(err as Error).message}\n`);
        process.exit(1);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
