/**
 * The devnet looks after its own validators: on a loaded machine a live validator can miss enough
 * blocks to be jailed for downtime, and a devnet left with one validator holding all the power
 * is not the network its user meant to run. The devnet holds every validator's operator key, so
 * once a jail term is over it sends `staking/unjail` as an operator would. Devnet only (`quarry
 * devnet` / `npm start`): a real operator decides for itself, and the testnet harness wants to see
 * jailing, not hide it.
 */
import { RpcClient } from '../../client/rpc.ts';
import { broadcastTx, buildTx, type Signer } from '../../client/tx-builder.ts';
import type { StakingValidator, Status } from '../../protocol/rpc-types.ts';

/** Operators (of those given) whose validator is jailed, not tombstoned, and free to unjail at `height`. */
export function dueForUnjail(validators: StakingValidator[], height: bigint, operators: ReadonlySet<string>): string[] {
  return validators.filter((v) => v.jailed && !v.tombstoned && operators.has(v.operator) && height >= BigInt(v.jailedUntil)).map((v) => v.operator);
}

export class DevnetUnjailer {
  private timer: ReturnType<typeof setInterval> | null = null;
  private busy = false;

  constructor(
    private readonly rpcUrl: string,
    private readonly operators: Signer[],
    private readonly log: (line: string) => void,
  ) {}

  start(intervalMs = 5_000): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const rpc = new RpcClient(this.rpcUrl, 5_000);
      const [status, { validators }] = await Promise.all([rpc.get<Status>('/status'), rpc.get<{ validators: StakingValidator[] }>('/staking/validators')]);
      const due = dueForUnjail(validators, BigInt(status.height), new Set(this.operators.map((o) => o.address)));
      for (const operator of due) {
        const signer = this.operators.find((o) => o.address === operator)!;
        const { bytes } = await buildTx(rpc, signer, [{ type: 'staking/unjail' }]);
        const res = await broadcastTx(rpc, bytes);
        this.log(`devnet: unjailing ${operator.slice(0, 16)}… after its downtime: ${'result' in res ? res.result.code : 'submitted'}`);
      }
    } catch {
      // the node may be restarting; the next tick tries again
    } finally {
      this.busy = false;
    }
  }
}
