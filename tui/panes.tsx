/**
 * The dashboard's panes: each renders one slice of the model; `rows` is how many lines fit, the
 * first ones being what matters most (a zoomed or taller pane shows the rest). Lines are `Line`s so
 * a pane whose data is stale greys out as a whole.
 */
import React, { createContext, useContext } from 'react';
import { Box, Text, type TextProps } from 'ink';
import { formatAmount } from '../client/amount.ts';
import type { MarketAsk, MarketTotals } from '../protocol/rpc-types.ts';
import { blockIntervals, feeLevels, networkProofsPerSecond, shortAddress, solutionsPerBlock, sparkline, topProvers, type DashboardModel } from './model.ts';
import { epochProofLag, ownValidator, qryPerHour, syncState } from './operator.ts';

export interface PaneProps {
  m: DashboardModel;
  now: number;
  rows: number;
}

/** True inside a frame whose data is stale (the node is away): its lines render grey. */
const Stale = createContext(false);

/** One pane line, truncated to the pane; grey (whatever its own colour) while the data is stale. */
function Line({ color, dimColor, bold, children }: Pick<TextProps, 'color' | 'dimColor' | 'bold' | 'children'>) {
  const stale = useContext(Stale);
  return (
    <Text wrap="truncate" color={stale ? 'gray' : color} dimColor={!stale && dimColor} bold={!stale && bold}>
      {children}
    </Text>
  );
}

const Row = ({ k, v, color }: { k: string; v: string; color?: string }) => (
  <Line color={color}>
    <Text dimColor>{k.padEnd(10)}</Text>
    {v}
  </Line>
);

const ago = (ms: number) => (ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`);
/** Whole seconds, or minutes past two (ages in titles and ETAs). */
export const roughly = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);
const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[v.length >> 1]! : 0);

export function ChainPane({ m, now }: PaneProps) {
  const intervals = blockIntervals(m);
  const last = m.status ? now - Number(m.status.latestBlockTime) : null;
  return (
    <>
      <Row k="height" v={m.status ? `${m.status.height}  (${m.status.chainId})` : '—'} />
      <Row k="last" v={last === null ? '—' : `${ago(Math.max(0, last))} ago`} />
      <Row k="interval" v={intervals.length ? `${sparkline(intervals, 24)} ${median(intervals)} ms` : '—'} />
      <Row k="consensus" v={consensusLine(m)} />
      <Row k="epoch" v={epochLine(m)} />
    </>
  );
}

function consensusLine(m: DashboardModel): string {
  const c = m.status?.consensus;
  if (!m.status) return '—';
  return c ? `#${c.height} round ${c.round}${c.step ? ` ${c.step}` : ''}` : 'not validating (follows the chain)';
}

function epochLine(m: DashboardModel): string {
  const lag = epochProofLag(m.epoch);
  if (!m.epoch || lag === null) return '—';
  const proven = m.epoch.provenEpoch === null ? 'no proof yet' : `proven ${m.epoch.provenEpoch}`;
  return `${m.epoch.epoch} · ${proven} · lag ${lag}`;
}

export function ValidatorsPane({ m, rows }: PaneProps) {
  if (m.validators.length === 0) return <Line dimColor>no validators yet</Line>;
  const sorted = [...m.validators].sort((a, b) => Number(BigInt(b.votingPower) - BigInt(a.votingPower)));
  const own = m.status?.validatorAddress;
  return (
    <>
      <Line dimColor>{'validator'.padEnd(14)}{'QRY'.padStart(9)}{'power'.padStart(6)}{'miss'.padStart(5)}</Line>
      {sorted.slice(0, rows - 1).map((v) => (
        <Line key={v.operator} bold={v.operator === own} color={v.jailed || v.tombstoned ? 'red' : v.operator === own ? 'cyan' : v.active ? undefined : 'gray'}>
          {(v.moniker || v.operator.slice(0, 12)).slice(0, 13).padEnd(14)}
          {formatAmount(v.tokens).replace(' QRY', '').padStart(9)}
          {v.votingPower.padStart(6)}
          {v.missedBlocks.padStart(5)}
          {v.tombstoned ? ' tomb' : v.jailed ? ' jail' : ''}
        </Line>
      ))}
      {sorted.length > rows - 1 ? <Line dimColor>+{sorted.length - rows + 1} more (enter zooms)</Line> : null}
    </>
  );
}

export function MempoolPane({ m }: PaneProps) {
  const fees = feeLevels(m.mempool);
  return (
    <>
      <Row k="txs" v={m.mempool ? `${m.mempool.txs} · ${m.mempool.bytes} B` : '—'} />
      <Row k="fee/unit" v={fees ? `${fees.low.toFixed(1)} / ${fees.median.toFixed(1)} / ${fees.high.toFixed(1)}` : 'empty'} />
      <Row k="rejected" v={rejectedLine(m)} />
    </>
  );
}

/** Refusals since the node started, most frequent first (an old node does not count them: —). */
function rejectedLine(m: DashboardModel): string {
  const r = m.mempool?.rejected;
  if (!r) return '—';
  const byCount = Object.entries(r).sort((a, b) => b[1] - a[1]);
  return byCount.length ? byCount.map(([code, n]) => `${code.replace(/^E_/, '')}×${n}`).join(' ') : 'none';
}

export function PuzzlePane({ m, now, rows }: PaneProps) {
  const p = m.puzzle;
  const rate = networkProofsPerSecond(m, now);
  return (
    <>
      <Row k="epoch" v={p ? `${p.epoch} (to #${p.epochEndsAfter}) ${p.circuit}` : '—'} />
      <Row k="targets" v={p ? `proof ${p.proofTarget}  coinbase ${p.coinbaseTarget}` : '—'} />
      <Row k="solutions" v={`${solutionsPerBlock(m).toFixed(2)}/blk ~${rate === null ? '—' : rate.toFixed(1)} proofs/s`} />
      {topProvers(m, Math.max(0, rows - 3)).map((t) => (
        <Line key={t.address} dimColor>
          {`  ${shortAddress(t.address, 4)} ${t.solutions} sol ${formatAmount(t.reward)}`}
        </Line>
      ))}
    </>
  );
}

/** The market's totals since genesis in one line, e.g. `12 req · 10 filled (9 on time) · 1 slashed · 1.2 QRY paid`. */
export function marketHistory(t: MarketTotals | null): string {
  if (!t) return '—';
  return `${t.requests} req · ${t.fulfilled} filled (${t.onTime} on time) · ${t.slashes} slashed · ${formatAmount(BigInt(t.paid))} paid`;
}

/** The two asking provers with the most stake, with commission and delegators, e.g. `qry1ab…cd 40 QRY 10% 3 del`. */
export function stakeLeaders(asks: MarketAsk[]): string {
  const byProver = new Map(asks.map((a) => [a.prover, a]));
  const top = [...byProver.values()].sort((a, b) => (BigInt(b.stake) > BigInt(a.stake) ? 1 : BigInt(b.stake) < BigInt(a.stake) ? -1 : 0)).slice(0, 2);
  if (top.length === 0) return 'none';
  return top.map((a) => `${shortAddress(a.prover, 3)} ${formatAmount(BigInt(a.stake))}${a.commissionPpm === null ? '' : ` ${Number(a.commissionPpm) / 10_000}% ${a.delegators} del`}`).join('  ');
}

export function MarketPane({ m, rows }: PaneProps) {
  const by = (s: string) => m.openRequests.filter((r) => r.status === s).length;
  const events = m.marketEvents.filter((e) => e.event === 'fill' || e.event === 'slash').slice(-Math.max(1, rows - 4)).reverse();
  return (
    <>
      <Row k="requests" v={`${by('open')} open ${by('locked')} locked ${by('open-fill')} refill ${by('race')} race`} />
      <Row k="since genesis" v={marketHistory(m.marketTotals)} />
      <Row k="best asks" v={m.asks.length ? m.asks.slice(0, 2).map((a) => `${formatAmount(a.price)}@${shortAddress(a.prover, 3)}`).join('  ') : 'none'} />
      <Row k="top stake" v={stakeLeaders(m.asks)} />
      {events.length === 0 ? <Line dimColor>no fills or slashes yet</Line> : null}
      {events.map((e, i) => (
        <Line key={`${e.request}${e.event}${i}`} color={e.event === 'slash' ? 'red' : 'green'}>
          {`#${e.height} ${e.event.padEnd(5)} ${e.request.slice(0, 8)} ${shortAddress(e.prover, 3)} ${e.amount ? formatAmount(e.amount) : ''}`}
        </Line>
      ))}
    </>
  );
}

export function MinerPane({ m, now }: PaneProps) {
  const s = m.miner;
  if (!s) return <Text dimColor wrap="wrap">no local miner (quarry node mine --home writes miner-stats.json)</Text>;
  const threads = s.threadProofsPerSecond?.length ? ` [${s.threadProofsPerSecond.map((r) => r.toFixed(1)).join(' ')}]` : '';
  const hourly = qryPerHour(m.minerEarnings, s);
  const last = s.lastSolutionAt ? `${roughly(Math.max(0, now - s.lastSolutionAt))} ago` : s.lastSolutionAt === null ? 'none yet' : '—';
  return (
    <>
      <Row k="rate" v={`${s.proofsPerSecond.toFixed(2)}/s${threads}${s.connected ? '' : ' (offline)'}`} />
      <Row k="last sol" v={`${last} · ${s.found} found ${s.paid} paid`} />
      <Row k="earning" v={`${hourly === null ? '—' : formatAmount(hourly)}/h · bal ${m.minerBalance === null ? '—' : formatAmount(m.minerBalance)}`} />
      <Row k="earned" v={`${formatAmount(s.earned)} · ${s.accepted} accepted`} />
      {s.market ? <Row k="market" v={`${s.market.busy ? `proving ${s.market.busy} ` : ''}${s.market.fulfilled} filled ${formatAmount(s.market.earned)}`} /> : null}
    </>
  );
}

/** This node: sync state, peers against the limit with their heights, its own validator's duty. */
export function NodePane({ m, rows }: PaneProps) {
  const n = m.net;
  const sync = syncState(m.heightSamples);
  const own = ownValidator(m);
  const heights = n?.peerHeights ?? {};
  return (
    <>
      <Row k="sync" v={!sync ? '—' : sync.catchingUp ? `catching up: ${sync.lag} behind · ETA ${sync.etaMs === null ? '—' : roughly(sync.etaMs)}` : 'in sync'} color={sync?.catchingUp ? 'yellow' : undefined} />
      <Row k="peers" v={n ? `${n.peers.length}${n.maxPeers ? `/${n.maxPeers}` : ''}${n.peers.length ? ` · best #${n.bestKnownHeight}` : ''}` : '—'} />
      {/* an older node does not say (undefined): unknown rather than "full node" */}
      <ValidatorRows own={own} isFullNode={m.status?.validatorAddress === null} />
      {(n?.peers ?? []).slice(0, Math.max(0, rows - 4)).map((p) => (
        <Line key={p} dimColor>{`  …${p.slice(-10)} ${heights[p] ? `#${heights[p]}` : '#?'}`}</Line>
      ))}
    </>
  );
}

function ValidatorRows({ own, isFullNode }: { own: ReturnType<typeof ownValidator>; isFullNode: boolean }) {
  if (!own) return <Row k="validator" v={isFullNode ? 'none (full node)' : '—'} />;
  const v = own.info;
  const state = !v ? '' : v.tombstoned ? ' · TOMBSTONED' : v.jailed ? ` · JAILED to #${v.jailedUntil}` : own.signedLast === null ? '' : own.signedLast ? ' · signed ✓' : ' · MISSED last';
  const missed = own.missed ? `missed ${own.missed.count}/${own.missed.max ?? '?'}${own.missed.window ? ` of ${own.missed.window}` : ''}` : 'missed —';
  const turn = own.nextTurn === null ? 'not in set' : own.nextTurn === 0 ? 'proposes next' : `proposes in ${own.nextTurn}`;
  return (
    <>
      <Row k="validator" v={`${v?.moniker || shortAddress(own.address, 4)} · power ${v?.votingPower ?? '—'}${state}`} color={v?.jailed || v?.tombstoned || own.signedLast === false ? 'red' : undefined} />
      <Row k="duty" v={`${missed} · ${turn}`} />
    </>
  );
}

export const PANES = [
  { id: 'chain', title: 'Chain', Pane: ChainPane },
  { id: 'node', title: 'Node', Pane: NodePane },
  { id: 'validators', title: 'Validators', Pane: ValidatorsPane },
  { id: 'market', title: 'Market', Pane: MarketPane },
  { id: 'puzzle', title: 'Puzzle', Pane: PuzzlePane },
  { id: 'mempool', title: 'Mempool', Pane: MempoolPane },
  { id: 'miner', title: 'Miner', Pane: MinerPane },
] as const;

/**
 * A pane's border and title. `staleMs` (the node is away) puts the data's age in the title and
 * greys every line, so numbers kept from the last answer are never read as live.
 */
export function Frame({ title, focused, staleMs, width, height, children }: { title: string; focused: boolean; staleMs: number | null; width: number | string; height: number; children: React.ReactNode }) {
  const label = staleMs === null ? title : `${title} · stale ${roughly(staleMs)}`;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={focused ? 'cyan' : 'gray'} width={width} height={height} paddingX={1} overflow="hidden">
      <Text bold color={focused ? 'cyan' : staleMs === null ? undefined : 'gray'} inverse={focused} wrap="truncate">
        {focused ? `▶ ${label}` : label}
      </Text>
      <Stale.Provider value={staleMs !== null}>{children}</Stale.Provider>
    </Box>
  );
}
