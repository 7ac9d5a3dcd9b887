/** Multi-process devnets for integration tests: small circuit, short epochs, fast blocks. */
import { Devnet } from '../../node/devnet/supervisor.ts';
import { devnetAccount, devnetGenesis } from '../../genesis/builder.ts';
import { defaultPuzzleParams } from '../../genesis/builder.ts';
import type { Genesis } from '../../node/genesis.ts';
import type { Timeouts } from '../../consensus/engine.ts';
import { RpcClient } from '../../client/rpc.ts';
import { freePort } from './proc.ts';
import { tempDir } from './tmp.ts';

export const FAST_TIMEOUTS = { propose: 800, prevote: 400, precommit: 400, delta: 300 };

export async function testDevnetGenesis(validators: number, epochLength = 20n): Promise<Genesis> {
  const g = await devnetGenesis(validators);
  return {
    ...g,
    puzzleCircuit: 'posw-small',
    params: {
      ...g.params,
      chain: { ...g.params.chain, epochLength },
      puzzle: defaultPuzzleParams('posw-small'),
      staking: { ...g.params.staking, downtimeWindow: 1000n, downtimeMaxMissed: 900n, unbondingBlocks: 30n, maxEvidenceAge: 100n },
    },
  };
}

export interface TestDevnet {
  devnet: Devnet;
  rpc(i: number): RpcClient;
  height(i: number): Promise<bigint>;
  output: string[];
  cleanup(): Promise<void>;
}

export async function startTestDevnet(o: { validators: number; run?: number[]; genesis?: Genesis; blockTimeMs?: number; timeouts?: Timeouts }): Promise<TestDevnet> {
  const dir = tempDir('quarry-devnet-');
  const output: string[] = [];
  const devnet = new Devnet({
    home: dir.path,
    validators: o.validators,
    miners: 0,
    minerThreads: 1,
    blockTimeMs: o.blockTimeMs ?? 300,
    timeouts: o.timeouts ?? FAST_TIMEOUTS,
    rpcBase: await freePort(),
    p2pBase: await freePort(),
    logFormat: 'compact',
    onLine: (name, line) => output.push(`${name} ${line}`),
  });
  const { prepareDevnet } = await import('../../node/devnet/layout.ts');
  devnet.nodes = await prepareDevnet(devnet.o, o.genesis ?? (await testDevnetGenesis(o.validators)));
  const run = o.run ?? devnet.nodes.map((_, i) => i);
  for (const i of run) devnet.startNode(i);
  await Promise.all(run.map((i) => devnet.waitUp(devnet.nodes[i]!))).catch(async (err: Error) => {
    await devnet.stop();
    const tail = output.slice(-20).join('\n');
    dir.cleanup();
    throw new Error(`${err.message}; last output:\n${tail}`);
  });
  const rpc = (i: number) => new RpcClient(devnet.nodes[i]!.rpc, 5_000);
  return {
    devnet,
    rpc,
    height: async (i) => BigInt((await rpc(i).get<{ height: string }>('/status')).height),
    output,
    cleanup: async () => {
      await devnet.stop();
      dir.cleanup();
    },
  };
}

export const faucet = devnetAccount('faucet');

export async function until(what: string, cond: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
