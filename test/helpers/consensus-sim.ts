/**
 * A deterministic network simulator for the pure consensus engine: virtual time, per-message
 * random delay, drop and duplication, and optional byzantine validators that equivocate.
 * Signatures are not needed: the engine trusts its shell to have verified them.
 */
import { Engine, type EngineEffect, type EngineInput, type Timeouts } from '../../consensus/engine.ts';
import { ValidatorSet, initialPriorities, nextPriorities } from '../../consensus/validator-set.ts';
import type { Proposal, Vote } from '../../consensus/messages.ts';
import { sha256 } from '../../node/crypto/hash.ts';
import { toHex, u64be } from '../../protocol/encoding/bytes.ts';
import { Rng } from './rng.ts';
import { Heap } from '../../node/util/heap.ts';

export interface SimOptions {
  powers: bigint[];
  seed: number;
  dropRate?: number;
  dupRate?: number;
  maxDelay?: number;
  /** Indices of validators that equivocate (vote for two values, propose two blocks). */
  byzantine?: number[];
  timeouts?: Timeouts;
  /** Virtual-time window during which every message is dropped (a partition). */
  blackout?: [number, number];
}

interface Event {
  at: number;
  seq: number;
  to: number;
  input: EngineInput | { kind: 'start' } | { kind: 'rebroadcast' };
}

/** Like the node's driver, re-send own messages of the current height this often (virtual ms). */
const REBROADCAST_MS = 400;

export class ConsensusSim {
  readonly set: ValidatorSet;
  readonly engines: Engine[];
  readonly decisions = new Map<bigint, Map<number, string>>();
  readonly heights: bigint[];
  equivocations = 0;
  now = 0;
  private readonly queue = new Heap<Event>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  /** Messages that arrived for a height a validator has not started yet. */
  private readonly future: Event[][] = [];
  /** What each validator sent at its current height, re-sent periodically (lossy links). */
  private readonly sent: Array<Array<(to: number) => EngineInput>> = [];
  private seq = 0;
  private readonly rng: Rng;
  private priorities: bigint[][];

  constructor(private readonly o: SimOptions) {
    this.rng = new Rng(o.seed);
    this.set = new ValidatorSet(o.powers.map((power, i) => ({ address: sha256(u64be(i)).slice(0, 20), blsPubKey: new Uint8Array(48).fill(i + 1), power })));
    this.engines = o.powers.map((_, i) => new Engine(() => i, o.timeouts ?? { propose: 300, prevote: 200, precommit: 200, delta: 100 }));
    this.heights = o.powers.map(() => 1n);
    o.powers.forEach(() => this.future.push([]));
    o.powers.forEach(() => this.sent.push([]));
    const init = initialPriorities(this.set);
    this.priorities = o.powers.map(() => init);
    o.powers.forEach((_, i) => this.push(0, i, { kind: 'start' }));
    o.powers.forEach((_, i) => this.push(REBROADCAST_MS, i, { kind: 'rebroadcast' }));
  }

  private push(delay: number, to: number, input: Event['input']): void {
    this.queue.push({ at: this.now + delay, seq: this.seq++, to, input });
  }

  private isByzantine(i: number): boolean {
    return this.o.byzantine?.includes(i) ?? false;
  }

  private send(from: number, make: (to: number) => EngineInput, record = true): void {
    if (record) this.sent[from]!.push(make);
    for (let to = 0; to < this.engines.length; to++) {
      if (to === from) {
        if (record) this.push(0, to, make(to));
        continue;
      }
      const [lo, hi] = this.o.blackout ?? [-1, -1];
      if ((this.now >= lo && this.now < hi) || this.rng.chance(this.o.dropRate ?? 0)) continue;
      const copies = this.rng.chance(this.o.dupRate ?? 0) ? 2 : 1;
      for (let c = 0; c < copies; c++) this.push(1 + this.rng.int(this.o.maxDelay ?? 50), to, make(to));
    }
  }

  private effects(i: number, effects: EngineEffect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'getValue': {
          const hash = sha256(u64be(e.height), u64be(e.round), u64be(i), u64be(this.now));
          this.push(0, i, { kind: 'proposeValue', height: e.height, round: e.round, blockHash: hash });
          break;
        }
        case 'propose': {
          const p: Proposal = { ...e.proposal, signature: new Uint8Array(96) };
          if (this.isByzantine(i)) {
            // equivocating proposer: a different block for every peer
            this.send(i, (to) => ({ kind: 'proposal', proposal: { ...p, blockHash: to % 2 ? p.blockHash : sha256(p.blockHash) }, valid: true }));
          } else this.send(i, () => ({ kind: 'proposal', proposal: p, valid: true }));
          break;
        }
        case 'vote': {
          const v: Vote = { ...e.vote, signature: new Uint8Array(96) };
          if (this.isByzantine(i)) {
            this.send(i, (to) => ({ kind: 'vote', vote: { ...v, blockHash: to % 2 ? v.blockHash : sha256(u64be(to), u64be(v.round)) } }));
          } else this.send(i, () => ({ kind: 'vote', vote: v }));
          break;
        }
        case 'scheduleTimeout':
          this.push(e.ms, i, { kind: 'timeout', step: e.step, height: e.height, round: e.round });
          break;
        case 'decide': {
          if (this.heights[i]! > e.height) break; // already caught up past this height
          const byHeight = this.decisions.get(e.height) ?? new Map<number, string>();
          byHeight.set(i, toHex(e.blockHash));
          this.decisions.set(e.height, byHeight);
          this.priorities[i] = nextPriorities(this.set, this.priorities[i]!);
          this.heights[i] = e.height + 1n;
          this.sent[i] = [];
          this.push(10, i, { kind: 'start' });
          break;
        }
        case 'equivocation':
          this.equivocations++;
          break;
        case 'newRound':
          break;
      }
    }
  }

  /** Runs until every honest validator decided `height` or virtual time runs out. */
  run(untilHeight: bigint, maxTime = 10_000_000): void {
    while (this.queue.size > 0) {
      if (this.honest().every((i) => this.heights[i]! > untilHeight) || this.now > maxTime) return;
      const ev = this.queue.pop()!;
      this.now = ev.at;
      this.deliver(ev);
    }
  }

  private deliver(ev: Event): void {
    const i = ev.to;
    const engine = this.engines[i]!;
    if (ev.input.kind === 'rebroadcast') {
      // like the node's gossip: re-send own messages and every vote held for this height
      for (const make of this.sent[i]!) this.send(i, (to) => make(to), false);
      for (const vote of this.engines[i]!.heldVotes()) if (!this.isByzantine(i)) this.send(i, () => ({ kind: 'vote', vote }), false);
      this.push(REBROADCAST_MS, i, { kind: 'rebroadcast' });
      return;
    }
    if (ev.input.kind === 'start') {
      this.effects(i, engine.startHeight(this.heights[i]!, this.set, this.priorities[i]!));
      for (const f of this.future[i]!.splice(0)) this.deliver(f);
      return;
    }
    const h = messageHeight(ev.input);
    if (h !== null && (h > this.heights[i]! || (h === this.heights[i]! && engine.isDecided))) {
      this.future[i]!.push(ev);
      this.catchUp(i);
      return;
    }
    this.effects(i, engine.handle(ev.input));
  }

  /** Models block sync: a validator that fell behind adopts a height others already decided. */
  private catchUp(i: number): void {
    const h = this.heights[i]!;
    const decided = this.decisions.get(h);
    if (!decided || decided.has(i) || this.engines[i]!.isDecided) return;
    const honestValue = [...decided.entries()].find(([j]) => !this.isByzantine(j));
    if (!honestValue) return;
    this.effects(i, [{ kind: 'decide', height: h, round: -1, blockHash: Buffer.from(honestValue[1], 'hex'), precommits: [] }]);
  }

  honest(): number[] {
    return this.engines.map((_, i) => i).filter((i) => !this.isByzantine(i));
  }

  /** Throws if two validators decided different blocks at one height. */
  assertAgreement(): void {
    for (const [h, byNode] of this.decisions) {
      const values = new Set([...byNode.entries()].filter(([i]) => !this.isByzantine(i)).map(([, v]) => v));
      if (values.size > 1) throw new Error(`conflicting commits at height ${h}`);
    }
  }
}

function messageHeight(input: EngineInput): bigint | null {
  if (input.kind === 'proposal') return input.proposal.height;
  if (input.kind === 'vote') return input.vote.height;
  return input.height;
}
