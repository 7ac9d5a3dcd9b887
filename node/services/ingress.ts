/**
 * Where transactions and solutions enter the node, from RPC or from peers: admit to the pool,
 * gossip what was submitted locally (peers' messages are relayed by gossipsub itself once
 * accepted), count, and announce. RPC routes and p2p handlers both call this; neither reaches
 * into the pools directly.
 */
import type { EventEmitter } from 'node:events';
import type { Tx } from '../tx/tx.ts';
import type { Solution } from '../../puzzle/solution.ts';
import type { Mempool } from '../mempool/mempool.ts';
import type { SolutionPool } from '../puzzle/pool.ts';
import type { Metrics } from '../metrics.ts';
import type { NodeEvents } from './events.ts';
import type { AdmissionGate } from './admission-gate.ts';
import { TxGossip } from './tx-gossip.ts';

export type Origin = 'rpc' | 'peer';

/** The gossip a locally submitted message goes out on (absent when p2p is off or not started). */
export interface Gossip {
  publish(topic: 'txs' | 'solutions', data: Uint8Array): Promise<unknown>;
}

export interface IngressOptions {
  mempool: Mempool;
  solutions: SolutionPool;
  metrics: Metrics;
  events: EventEmitter<NodeEvents>;
  gossip: () => Gossip | null;
  /** Holds transaction admission while the node executes or commits a block. */
  gate: AdmissionGate;
}

export class Ingress {
  /** Batches what this node gossips of its own transactions (RPC submissions, rebroadcasts). */
  readonly txGossip: TxGossip;

  constructor(private readonly o: IngressOptions) {
    this.txGossip = new TxGossip(o.gossip);
  }

  async submitTx(bytes: Uint8Array, origin: Origin = 'rpc'): Promise<Tx> {
    const { mempool, metrics } = this.o;
    try {
      await this.o.gate.pass();
      const tx = await mempool.add(bytes);
      if (origin === 'rpc') this.txGossip.add(bytes);
      metrics.mempoolSize.set(mempool.size);
      metrics.mempoolBytes.set(mempool.bytes);
      this.o.events.emit('tx', tx);
      return tx;
    } catch (err) {
      metrics.txRejected.inc({ code: codeOf(err) });
      throw err;
    }
  }

  async submitSolution(bytes: Uint8Array, origin: Origin = 'rpc'): Promise<{ solution: Solution; id: Uint8Array }> {
    const { metrics } = this.o;
    const done = metrics.solutionCheck.startTimer();
    try {
      const added = await this.o.solutions.add(bytes);
      done();
      if (origin === 'rpc') void this.o.gossip()?.publish('solutions', bytes);
      metrics.solutionsAccepted.inc();
      this.o.events.emit('solution', added);
      return added;
    } catch (err) {
      metrics.solutionsRejected.inc({ code: codeOf(err) });
      throw err;
    }
  }
}

function codeOf(err: unknown): string {
  return (err as { code?: string }).code ?? 'E_INTERNAL';
}
