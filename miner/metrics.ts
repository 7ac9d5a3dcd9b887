/**
 * The miner's own Prometheus endpoint (`quarry node mine --metrics-listen host:port`): proving
 * rate, solutions found/accepted/paid/refused, earnings, and the market side. Values mirror the
 * miner's status (docs/metrics.md §miner); counters are exported as gauges of running totals so a
 * restart shows as a drop, as with any process metric.
 */
import { createServer, type Server } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import type { MinerStats } from './miner.ts';
import type { MarketStats } from './market.ts';

export class MinerMetrics {
  private readonly registry = new Registry();
  private readonly g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name: `quarry_miner_${name}`, help, labelNames, registers: [this.registry] });
  private readonly connected = this.g('connected', '1 while the node answers');
  private readonly rate = this.g('proofs_per_second', 'Puzzle proofs per second, all threads');
  private readonly proofs = this.g('proofs', 'Puzzle proofs computed since start');
  private readonly solutions = this.g('solutions', 'Solutions since start, by outcome (found, accepted, paid)', ['outcome']);
  private readonly refused = this.g('solutions_refused', 'Solutions the node refused, by code', ['code']);
  private readonly earned = this.g('earned_uqry', 'Prover rewards paid since start (uqry)');
  private readonly market = this.g('market_jobs', 'Market jobs since start, by outcome (locked, fulfilled, failed, unprovable: inputs with no witness, declined or skipped)', ['outcome']);
  private readonly marketEarned = this.g('market_earned_uqry', 'Market payments since start (uqry)');

  update(s: MinerStats, m?: MarketStats): void {
    this.connected.set(s.connected ? 1 : 0);
    this.rate.set(s.proofsPerSecond);
    this.proofs.set(s.proofs);
    for (const [outcome, n] of [['found', s.found], ['accepted', s.accepted], ['paid', s.paid]] as const) this.solutions.set({ outcome }, n);
    for (const [code, n] of Object.entries(s.rejected)) this.refused.set({ code }, n);
    this.earned.set(Number(s.earned));
    if (!m) return;
    for (const [outcome, n] of [['locked', m.locked], ['fulfilled', m.fulfilled], ['failed', m.failed], ['unprovable', m.unprovable]] as const) this.market.set({ outcome }, n);
    this.marketEarned.set(Number(m.earned));
  }

  /** Serves GET /metrics; resolves with the bound address (port 0 picks a free one). */
  listen(host: string, port: number): Promise<{ server: Server; url: string }> {
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'E_NOT_FOUND', message: 'only GET /metrics here' } }));
      void this.registry.metrics().then((text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve({ server, url: `http://${host}:${(server.address() as { port: number }).port}/metrics` }));
    });
  }
}
