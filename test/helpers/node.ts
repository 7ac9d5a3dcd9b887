/** Starts a real in-process node (LevelDB, RPC on a free port) for integration tests. */
import { join } from 'node:path';
import { QuarryNode } from '../../node/node.ts';
import { DEFAULT_CONFIG, type NodeConfig, type RpcConfig } from '../../node/config.ts';
import { createLogger } from '../../node/log.ts';
import type { Genesis } from '../../node/genesis.ts';
import type { ValidatorKey } from '../../node/crypto/keyfile.ts';
import { tempDir } from './tmp.ts';

export async function startTestNode(genesis: Genesis, validatorKey: ValidatorKey | null, config: Omit<Partial<NodeConfig>, 'rpc'> & { rpc?: Partial<RpcConfig> } = {}): Promise<{ node: QuarryNode; stop: () => Promise<void> }> {
  const dir = tempDir();
  // QUARRY_TEST_LOG=info (or debug, warn) shows the nodes' logs on stderr when a test needs looking into
  const level = process.env.QUARRY_TEST_LOG;
  const log = createLogger({ level: level ?? 'warn', format: 'json', stream: level ? process.stderr : ({ write: () => true } as unknown as NodeJS.WritableStream) });
  const node = await QuarryNode.start({
    home: join(dir.path, 'home'),
    // free ports: tests run beside each other and beside a devnet on the default ports
    config: { ...DEFAULT_CONFIG, ...config, rpc: { ...DEFAULT_CONFIG.rpc, listen: '127.0.0.1:0', ...config.rpc }, p2p: { ...DEFAULT_CONFIG.p2p, listen: ['/ip4/127.0.0.1/tcp/0'], ...config.p2p } },
    genesis,
    validatorKey,
    log,
  });
  return {
    node,
    stop: async () => {
      await node.stop();
      dir.cleanup();
    },
  };
}
