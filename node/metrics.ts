/**
 * Prometheus metrics (prom-client), served at GET /metrics; one registry per node. Names follow
 * what a CometBFT dashboard shows (docs/metrics.md): chain, consensus, validators, peers and sync,
 * mempool, RPC latency, puzzle and market activity, epoch-proof lag.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Block-interval buckets as multiples of the configured block time, so they resolve around it. */
const INTERVAL_FACTORS = [0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2, 3, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  private readonly r = [this.registry];
  readonly height = new Gauge({ name: 'quarry_height', help: 'Height of the latest committed block', registers: this.r });
  readonly blocks = new Counter({ name: 'quarry_blocks_committed_total', help: 'Blocks committed by this node', registers: this.r });
  readonly txs = new Counter({ name: 'quarry_txs_committed_total', help: 'Transactions committed', registers: this.r });
  readonly blockTxs = new Gauge({ name: 'quarry_block_txs', help: 'Transactions in the latest block', registers: this.r });
  readonly blockBytes = new Gauge({ name: 'quarry_block_size_bytes', help: 'Size of the latest block', registers: this.r });
  readonly blockInterval: Histogram;
  readonly blockRound = new Histogram({ name: 'quarry_consensus_block_round', help: 'Round in which each block was decided (0: first try)', buckets: [0, 1, 2, 3, 5, 10], registers: this.r });
  readonly consensusHeight = new Gauge({ name: 'quarry_consensus_height', help: 'Height the consensus driver works on (0 when not validating)', registers: this.r });
  readonly consensusRound = new Gauge({ name: 'quarry_consensus_round', help: 'Round of the height in progress', registers: this.r });
  readonly roundDuration: Histogram;
  readonly blockExecution = new Histogram({
    name: 'quarry_consensus_block_execution_seconds',
    help: 'Executing a block in consensus: build (this node proposes) or verify (a peer proposed)',
    labelNames: ['phase'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers: this.r,
  });
  readonly validatorPower = new Gauge({ name: 'quarry_validator_power', help: 'Voting power in the active set (0 when out)', labelNames: ['validator'], registers: this.r });
  readonly validatorMissed = new Gauge({ name: 'quarry_validator_missed_blocks', help: 'Blocks missed in the downtime window', labelNames: ['validator'], registers: this.r });
  readonly validatorJailed = new Gauge({ name: 'quarry_validator_jailed', help: '1 when jailed', labelNames: ['validator'], registers: this.r });
  readonly missingValidators = new Gauge({ name: 'quarry_consensus_missing_validators', help: 'Active validators absent from the latest block’s last commit', registers: this.r });
  readonly missingPower = new Gauge({ name: 'quarry_consensus_missing_validators_power', help: 'Voting power of those validators', registers: this.r });
  readonly peers = new Gauge({ name: 'quarry_p2p_peers', help: 'Connected peers', registers: this.r });
  readonly catchingUp = new Gauge({ name: 'quarry_sync_catching_up', help: '1 while block sync is behind the best peer', registers: this.r });
  readonly txRejected = new Counter({ name: 'quarry_tx_rejected_total', help: 'Transactions refused by the mempool', labelNames: ['code'], registers: this.r });
  readonly mempoolSize = new Gauge({ name: 'quarry_mempool_txs', help: 'Transactions in the mempool', registers: this.r });
  readonly mempoolBytes = new Gauge({ name: 'quarry_mempool_bytes', help: 'Bytes in the mempool', registers: this.r });
  readonly solutionsAccepted = new Counter({ name: 'quarry_solutions_admitted_total', help: 'Solutions admitted to the pool', registers: this.r });
  readonly solutionsRejected = new Counter({ name: 'quarry_solutions_rejected_total', help: 'Solutions refused', labelNames: ['code'], registers: this.r });
  readonly solutionCheck = new Histogram({ name: 'quarry_solution_check_seconds', help: 'Admission of a solution (decode to pairing check and canonicity audit)', buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2], registers: this.r });
  readonly marketEvents = new Counter({ name: 'quarry_market_events_total', help: 'Committed market events (request, lock, fill, slash, relist, …)', labelNames: ['event'], registers: this.r });
  readonly marketOpen = new Gauge({ name: 'quarry_market_open_requests', help: 'Proof requests open in state', registers: this.r });
  readonly epochProofLag = new Gauge({ name: 'quarry_epoch_proof_lag', help: 'Epochs since the latest epoch proof in this home (-1: none proven)', registers: this.r });
  readonly rpcRequests = new Counter({ name: 'quarry_rpc_requests_total', help: 'RPC requests', labelNames: ['route', 'status'], registers: this.r });
  readonly rpcSubscribers = new Gauge({ name: 'quarry_rpc_event_subscribers', help: 'WebSocket subscribers of GET /events', registers: this.r });
  readonly rpcLatency = new Histogram({ name: 'quarry_rpc_request_duration_seconds', help: 'RPC request latency', labelNames: ['route'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: this.r });

  private readonly beforeScrape: Array<() => void> = [];

  constructor(blockTimeMs = 1000) {
    this.blockInterval = new Histogram({
      name: 'quarry_block_interval_seconds',
      help: 'Time between consecutive block headers',
      buckets: INTERVAL_FACTORS.map((f) => Math.round(f * blockTimeMs) / 1000),
      registers: this.r,
    });
    this.roundDuration = new Histogram({
      name: 'quarry_consensus_round_duration_seconds',
      help: 'Duration of each consensus round this validator took part in, from its start to a decision or the next round',
      buckets: INTERVAL_FACTORS.map((f) => Math.round(f * blockTimeMs) / 1000),
      registers: this.r,
    });
    // prom-client's names already start with process_ or nodejs_: quarry_process_cpu_seconds_total, not quarry_process_process_…
    collectDefaultMetrics({ register: this.registry, prefix: 'quarry_' });
  }

  /** Runs `update` before every scrape (gauges of live state: peers, consensus step, sync). */
  onScrape(update: () => void): void {
    this.beforeScrape.push(update);
  }

  /** The exposition text, with live gauges brought up to date first. */
  async render(): Promise<string> {
    for (const update of this.beforeScrape) update();
    return this.registry.metrics();
  }
}
