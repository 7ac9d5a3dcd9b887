/** The dashboard's panes: each renders one slice of the model; `rows` is how many list lines fit. */
import React from 'react';
import { Box, Text } from 'ink';
import { formatAmount } from '../client/amount.ts';
import { blockIntervals, feeLevels, networkProofsPerSecond, shortAddress, solutionsPerBlock, sparkline, topProvers, type DashboardModel } from './model.ts';

export interface PaneProps {
  m: DashboardModel;
  now: number;
  rows: number;
}

const Row = ({ k, v }: { k: string; v: string }) => (
  <Text wrap="truncate">
    <Text dimColor>{k.padEnd(10)}</Text>
    {v}
  </Text>
);

const ago = (ms: number) => (ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`);
const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[v.length >> 1]! : 0);

export function ChainPane({ m, now }: PaneProps) {
  const intervals = blockIntervals(m);
  const last = m.status ? now - Number(m.status.latestBlockTime) : null;
  return (
    <>
      <Row k="height" v={m.status ? `${m.status.height}  (${m.status.chainId})` : '—'} />
      <Row k="last" v={last === null ? '—' : `${ago(Math.max(0, last))} ago`} />
      <Row k="interval" v={intervals.length ? `${sparkline(intervals, 24)} ${median(intervals)} ms` : '—'} />
    </>
  );
}

export function ValidatorsPane({ m, rows }: PaneProps) {
  if (m.validators.length === 0) return <Text dimColor>no validators yet</Text>;
  const sorted = [...m.validators].sort((a, b) => Number(BigInt(b.votingPower) - BigInt(a.votingPower)));
  return (
    <>
      <Text dimColor wrap="truncate">{'validator'.padEnd(14)}{'QRY'.padStart(9)}{'power'.padStart(6)}{'miss'.padStart(5)}</Text>
      {sorted.slice(0, rows - 1).map((v) => (
        <Text key={v.operator} wrap="truncate" color={v.jailed || v.tombstoned ? 'red' : v.active ? undefined : 'gray'}>
          {(v.moniker || v.operator.slice(0, 12)).slice(0, 13).padEnd(14)}
          {formatAmount(v.tokens).replace(' QRY', '').padStart(9)}
          {v.votingPower.padStart(6)}
          {v.missedBlocks.padStart(5)}
          {v.tombstoned ? ' tomb' : v.jailed ? ' jail' : ''}
        </Text>
      ))}
      {sorted.length > rows - 1 ? <Text dimColor>+{sorted.length - rows + 1} more (enter zooms)</Text> : null}
    </>
  );
}

export function MempoolPane({ m }: PaneProps) {
  const fees = feeLevels(m.mempool);
  return (
    <>
      <Row k="txs" v={m.mempool ? String(m.mempool.txs) : '—'} />
      <Row k="bytes" v={m.mempool ? String(m.mempool.bytes) : '—'} />
      <Row k="fee/unit" v={fees ? `${fees.low.toFixed(1)} / ${fees.median.toFixed(1)} / ${fees.high.toFixed(1)}` : 'empty'} />
    </>
  );
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
        <Text key={t.address} wrap="truncate" dimColor>
          {`  ${shortAddress(t.address, 4)} ${t.solutions} sol ${formatAmount(t.reward)}`}
        </Text>
      ))}
    </>
  );
}

export function MarketPane({ m, rows }: PaneProps) {
  const by = (s: string) => m.openRequests.filter((r) => r.status === s).length;
  const events = m.marketEvents.filter((e) => e.event === 'fill' || e.event === 'slash').slice(-Math.max(1, rows - 3)).reverse();
  return (
    <>
      <Row k="requests" v={`${by('open')} open ${by('locked')} locked ${by('open-fill')} refill`} />
      <Row k="best asks" v={m.asks.length ? m.asks.slice(0, 2).map((a) => `${formatAmount(a.price)}@${shortAddress(a.prover, 3)}`).join('  ') : 'none'} />
      {events.length === 0 ? <Text dimColor>no fills or slashes yet</Text> : null}
      {events.map((e, i) => (
        <Text key={`${e.request}${e.event}${i}`} wrap="truncate" color={e.event === 'slash' ? 'red' : 'green'}>
          {`#${e.height} ${e.event.padEnd(5)} ${e.request.slice(0, 8)} ${shortAddress(e.prover, 3)} ${e.amount ? formatAmount(e.amount) : ''}`}
        </Text>
      ))}
    </>
  );
}

export function MinerPane({ m }: PaneProps) {
  const s = m.miner;
  if (!s) return <Text dimColor wrap="wrap">no local miner (quarry node mine --home writes miner-stats.json)</Text>;
  return (
    <>
      <Row k="rate" v={`${s.proofsPerSecond.toFixed(2)} proofs/s${s.connected ? '' : ' (offline)'}`} />
      <Row k="solutions" v={`${s.found} found ${s.accepted} ok ${s.paid} paid`} />
      <Row k="earned" v={formatAmount(s.earned)} />
      {s.market ? <Row k="market" v={`${s.market.busy ? `proving ${s.market.busy} ` : ''}${s.market.fulfilled} filled ${formatAmount(s.market.earned)}`} /> : null}
    </>
  );
}

export function PeersPane({ m, rows }: PaneProps) {
  const n = m.net;
  if (!n) return <Text dimColor>—</Text>;
  return (
    <>
      <Row k="peers" v={`${n.peers.length}${n.syncing ? `  syncing → ${n.bestKnownHeight}` : ''}`} />
      {n.peers.slice(0, Math.max(0, rows - 1)).map((p) => (
        <Text key={p} dimColor wrap="truncate">{`  …${p.slice(-12)}`}</Text>
      ))}
    </>
  );
}

export const PANES = [
  { id: 'chain', title: 'Chain', Pane: ChainPane },
  { id: 'puzzle', title: 'Puzzle', Pane: PuzzlePane },
  { id: 'validators', title: 'Validators', Pane: ValidatorsPane },
  { id: 'market', title: 'Market', Pane: MarketPane },
  { id: 'mempool', title: 'Mempool', Pane: MempoolPane },
  { id: 'peers', title: 'Peers', Pane: PeersPane },
  { id: 'miner', title: 'Miner', Pane: MinerPane },
] as const;

export function Frame({ title, focused, width, height, children }: { title: string; focused: boolean; width: number | string; height: number; children: React.ReactNode }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={focused ? 'cyan' : 'gray'} width={width} height={height} paddingX={1} overflow="hidden">
      <Text bold color={focused ? 'cyan' : undefined} inverse={focused}>
        {focused ? `▶ ${title}` : title}
      </Text>
      {children}
    </Box>
  );
}
