/** `quarry query market …`: the proof market's book as tables (`--json`: the node's answer). */
import type { Command } from 'commander';
import { RpcClient } from '../../client/rpc.ts';
import type { MarketAsk, MarketCircuit, MarketProver, MarketRequest, ProverDelegationView } from '../../protocol/rpc-types.ts';
import { action, addressBytes, listIn, printJson, withRpc } from './util.ts';
import { fields, percent, qry, table } from './table.ts';

interface QueryFlags {
  rpc: string;
  json?: boolean;
}

/** A request's price as it stands: the lock's, the auction's, or what was paid. */
function priceOf(r: MarketRequest): string {
  if (r.lock) return qry(r.lock.price);
  if (r.currentPrice !== null) return qry(r.currentPrice);
  return qry(r.paid);
}

function requestsTable(rs: MarketRequest[]): string {
  if (rs.length === 0) return 'no requests\n';
  const rows = rs.map((r) => [r.status, r.circuitId.slice(0, 12), priceOf(r), qry(r.maxPrice), r.deadline, r.lock?.prover ?? r.filledBy ?? '-', r.id]);
  return table(['STATUS', 'CIRCUIT', 'PRICE (QRY)', 'MAX (QRY)', 'DEADLINE', 'PROVER', 'ID'], rows, ['left', 'left', 'right', 'right', 'right']);
}

function asksTable(asks: MarketAsk[]): string {
  if (asks.length === 0) return 'no standing asks\n';
  const rows = asks.map((a) => [a.circuit.slice(0, 12), qry(a.price), a.maxTurnaround, `${a.active}/${a.capacity}`, percent(a.reputationPpm), a.prover]);
  return table(['CIRCUIT', 'PRICE (QRY)', 'TURNAROUND', 'LOCKED', 'REPUTATION', 'PROVER'], rows, ['left', 'right', 'right', 'right', 'right']);
}

function circuitsTable(cs: MarketCircuit[]): string {
  if (cs.length === 0) return 'no circuits registered\n';
  const rows = cs.map((c) => [c.name, String(c.nPublic), String(c.nOutputs), c.registeredAt, c.id]);
  return table(['NAME', 'PUBLIC', 'OUTPUTS', 'HEIGHT', 'ID'], rows, ['left', 'right', 'right', 'right']);
}

function proverFields(p: MarketProver): string {
  const d = p.delegation;
  return fields([
    ['address', p.address],
    ['stake', `${qry(p.stake)} QRY: bond ${qry(p.bond)}, delegated ${qry(p.delegated)} (${qry(p.locked)} locked as collateral, ${qry(p.freeCollateral)} free)`],
    ['delegation', d ? `${percent(d.commissionPpm)} commission${d.nextCommissionPpm !== d.commissionPpm ? ` (${percent(d.nextCommissionPpm)} from height ${d.nextCommissionAt})` : ''}, ${d.delegators} delegators` : 'closed'],
    ['locks', `${p.locks} open`],
    ['fills', `${p.onTime} on time, ${p.late} late`],
    ['slashed', p.slashed],
    ['reputation', percent(p.reputationPpm)],
  ]);
}

function delegationsTable(ds: ProverDelegationView[]): string {
  if (ds.length === 0) return 'no delegations\n';
  const rows = ds.map((d) => [qry(d.tokens), qry(d.pendingRewards), qry(d.unbonding.reduce((s, u) => s + BigInt(u.amount), 0n).toString()), d.delegator]);
  return table(['STAKE (QRY)', 'REWARDS (QRY)', 'UNBONDING (QRY)', 'DELEGATOR'], rows, ['right', 'right', 'right']);
}

/** Prints the node's answer (`--json`) or the human view of it. */
function show<T>(o: QueryFlags, answer: T, human: (a: T) => string): void {
  if (o.json) printJson(answer);
  else process.stdout.write(human(answer));
}

export function registerMarketQuery(query: Command): void {
  const market = query.command('market').description('proof-market state');
  const cmd = (spec: string, help: string) => withRpc(market.command(spec).description(help)).option('--json', "print the node's JSON answer");
  const rpcOf = (o: QueryFlags) => new RpcClient(o.rpc);

  cmd('requests', 'open requests (and recently finished ones with --status)')
    .option('--status <s>', 'open|locked|fulfilled|expired|cancelled')
    .option('--prover <qry1…>', 'only requests locked to this prover')
    .action(
      action(async (o: QueryFlags & { status?: string; prover?: string }) => {
        const qs = new URLSearchParams();
        if (o.status) qs.set('status', o.status);
        if (o.prover) {
          await addressBytes(o.prover);
          qs.set('prover', o.prover);
        }
        const answer = await rpcOf(o).get<unknown>(`/market/requests${qs.size ? '?' + qs : ''}`);
        show(o, answer, (a) => requestsTable(listIn<MarketRequest>(a, 'requests', o.rpc)));
      }),
    );
  // one request carries its inputs and proof: JSON is its readable form
  cmd('request <id>', 'one request with its proof once fulfilled (JSON)').action(action(async (id: string, o: QueryFlags) => printJson(await rpcOf(o).get(`/market/requests/${encodeURIComponent(id)}`))));
  cmd('asks', 'standing asks, cheapest first').action(
    action(async (o: QueryFlags) => show(o, await rpcOf(o).get<unknown>('/market/asks'), (a) => asksTable(listIn<MarketAsk>(a, 'asks', o.rpc)))),
  );
  cmd('prover <address>', "a prover's stake, delegation, locks, fills, slashes and reputation").action(
    action(async (address: string, o: QueryFlags) => {
      await addressBytes(address);
      show(o, await rpcOf(o).get<MarketProver>(`/market/provers/${encodeURIComponent(address)}`), proverFields);
    }),
  );
  cmd('delegations <prover>', "a prover's delegators: stake after slashes, pending rewards, unbonding").action(
    action(async (prover: string, o: QueryFlags) => {
      await addressBytes(prover);
      show(o, await rpcOf(o).get<unknown>(`/market/provers/${encodeURIComponent(prover)}/delegations`), (a) => delegationsTable(listIn<ProverDelegationView>(a, 'delegations', o.rpc)));
    }),
  );
  cmd('circuits', 'registered circuits').action(
    action(async (o: QueryFlags) => show(o, await rpcOf(o).get<unknown>('/market/circuits'), (a) => circuitsTable(listIn<MarketCircuit>(a, 'circuits', o.rpc)))),
  );
}
