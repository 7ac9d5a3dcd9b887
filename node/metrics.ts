/** Prometheus metrics (prom-client), served at GET /metrics. One registry per node. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly height = new Gauge({ name: 'quarry_height', help: 'Height of the latest committed block', registers: [this.registry] });
  readonly blocks = new Counter({ name: 'quarry_blocks_committed_total', help: 'Blocks committed by this node', registers: [this.registry] });
  readonly txs = new Counter({ name: 'quarry_txs_committed_total', help: 'Transactions committed', registers: [this.registry] });
  readonly txRejected = new Counter({ name: 'quarry_tx_rejected_total', help: 'Transactions refused by the mempool', labelNames: ['code'], registers: [this.registry] });
  readonly mempoolSize = new Gauge({ name: 'quarry_mempool_txs', help: 'Transactions in the mempool', registers: [this.registry] });
  readonly mempoolBytes = new Gauge({ name: 'quarry_mempool_bytes', help: 'Bytes in the mempool', registers: [this.registry] });
  readonly blockInterval = new Histogram({
    name: 'quarry_block_interval_seconds',
    help: 'Time between consecutive block headers',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly solutionsAccepted = new Counter({ name: 'quarry_solutions_admitted_total', help: 'Solutions admitted to the pool', registers: [this.registry] });
  readonly solutionsRejected = new Counter({ name: 'quarry_solutions_rejected_total', help: 'Solutions refused', labelNames: ['code'], registers: [this.registry] });
  readonly rpcRequests = new Counter({ name: 'quarry_rpc_requests_total', help: 'RPC requests', labelNames: ['route', 'status'], registers: [this.registry] });

  constructor() {
    // prom-client's names already start with process_ or nodejs_: quarry_process_cpu_seconds_total, not quarry_process_process_…
    collectDefaultMetrics({ register: this.registry, prefix: 'quarry_' });
  }
}
