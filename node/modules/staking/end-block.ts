/**
 * Staking at the end of every block (docs/staking.md): mature unbondings, punish verified double
 * signs and downtime, distribute the block reward and fees, and at epoch boundaries choose the next
 * active set (top N by stake, not jailed) carrying proposer priorities over.
 */
import type { Overlay } from '../../state/view.ts';
import { NO_ID } from '../../state/record.ts';
import { encodeAddress } from '../../../protocol/crypto/address.ts';
import { compareBytes, toHex } from '../../../protocol/encoding/bytes.ts';
import { credit, mint } from '../bank/account.ts';
import type { ChainEvent } from '../types.ts';
import { activeSet, advancePriorities, getActiveSet } from '../validators.ts';
import { ValidatorSet, type Validator as SetMember } from '../../../consensus/validator-set.ts';
import { creditValidatorRewards } from './bonding.ts';
import { jail, slash } from './slash.ts';
import { matureUnbondings } from './unbonding.ts';
import { getStakingParams, getValidator, listOperators, PPM, putValidator, REWARDS_POOL, type StakingParams } from './state.ts';

export interface StakingBlockContext {
  height: bigint;
  proposer: Uint8Array;
  fees: bigint;
  blockReward: bigint;
  epochLength: bigint;
  /** The previous block's validator set and who signed its commit (null for block 1). */
  lastCommit: { members: readonly SetMember[]; signed: boolean[] } | null;
  /** Double signs already verified against the offender's key. */
  evidence: Array<{ operator: Uint8Array; height: bigint }>;
}

const NEVER = (1n << 63n) - 1n;

export async function stakingEndBlock(state: Overlay, ctx: StakingBlockContext, events: ChainEvent[]): Promise<void> {
  const params = await getStakingParams(state);
  for (const e of await matureUnbondings(state, ctx.height)) {
    events.push({ type: 'unbonded', delegator: encodeAddress(e.delegator), amount: e.balance.toString() });
  }
  for (const ev of ctx.evidence) {
    const burned = await slash(state, params, ev.operator, ev.height, ctx.height, params.doubleSignSlashPpm);
    await jail(state, ev.operator, NEVER, true);
    events.push({ type: 'slash', reason: 'double-sign', validator: encodeAddress(ev.operator), amount: burned.toString() });
  }
  if (ctx.lastCommit) await trackDowntime(state, params, ctx, events);
  await distribute(state, params, ctx, events);
  if (ctx.height % ctx.epochLength === 0n) await rotateActiveSet(state, params, events);
  else await advancePriorities(state);
}

async function trackDowntime(state: Overlay, params: StakingParams, ctx: StakingBlockContext, events: ChainEvent[]): Promise<void> {
  const { members, signed } = ctx.lastCommit!;
  const slot = Number((ctx.height - 1n) % params.downtimeWindow);
  for (const [i, m] of members.entries()) {
    const v = await getValidator(state, m.address);
    if (!v || v.jailed) continue;
    const bits = Uint8Array.from(v.missedBits);
    const was = (bits[slot >> 3]! >> (slot & 7)) & 1;
    const now = signed[i] ? 0 : 1;
    bits[slot >> 3] = (bits[slot >> 3]! & ~(1 << (slot & 7))) | (now << (slot & 7));
    const missedCount = v.missedCount - BigInt(was) + BigInt(now);
    putValidator(state, m.address, { ...v, missedBits: bits, missedCount });
    if (missedCount > params.downtimeMaxMissed) {
      const burned = await slash(state, params, m.address, ctx.height - 1n, ctx.height, params.downtimeSlashPpm);
      await jail(state, m.address, ctx.height + params.downtimeJailBlocks, false);
      const jailed = (await getValidator(state, m.address))!;
      putValidator(state, m.address, { ...jailed, missedBits: new Uint8Array(bits.length), missedCount: 0n });
      events.push({ type: 'slash', reason: 'downtime', validator: encodeAddress(m.address), amount: burned.toString() });
    }
  }
}

/** Block reward (minted) and fees go to the proposer (a bonus) and to the last commit's signers by power. */
async function distribute(state: Overlay, params: StakingParams, ctx: StakingBlockContext, events: ChainEvent[]): Promise<void> {
  await mint(state, REWARDS_POOL, ctx.blockReward);
  if (ctx.fees > 0n) await credit(state, REWARDS_POOL, ctx.fees);
  const total = ctx.blockReward + ctx.fees;
  let toProposer = ctx.lastCommit ? (total * params.proposerBonusPpm) / PPM : total;
  if (ctx.lastCommit) {
    const { members, signed } = ctx.lastCommit;
    const signedPower = members.reduce((s, m, i) => s + (signed[i] ? m.power : 0n), 0n);
    const rest = total - toProposer;
    let paid = 0n;
    for (const [i, m] of members.entries()) {
      if (!signed[i] || signedPower === 0n || !(await getValidator(state, m.address))) continue;
      const share = (rest * m.power) / signedPower;
      await creditValidatorRewards(state, m.address, share);
      paid += share;
    }
    toProposer += rest - paid; // rounding dust
  }
  if (await getValidator(state, ctx.proposer)) await creditValidatorRewards(state, ctx.proposer, toProposer);
  events.push({ type: 'block-reward', reward: ctx.blockReward.toString(), fees: ctx.fees.toString(), proposer: encodeAddress(ctx.proposer) });
}

async function rotateActiveSet(state: Overlay, params: StakingParams, events: ChainEvent[]): Promise<void> {
  const candidates: SetMember[] = [];
  for (const op of await listOperators(state)) {
    const v = await getValidator(state, op);
    const power = v ? v.tokens / params.powerReduction : 0n;
    if (v && !v.jailed && !v.tombstoned && power > 0n) candidates.push({ address: op, blsPubKey: v.blsPubKey, power });
  }
  candidates.sort((a, b) => (a.power === b.power ? compareBytes(a.address, b.address) : a.power > b.power ? -1 : 1));
  const chosen = candidates.slice(0, Number(params.maxValidators));
  if (chosen.length === 0) return advancePriorities(state); // never leave the chain without validators
  const current = await getActiveSet(state);
  const carried = new Map(current.set.validators.map((m, i) => [toHex(m.address), current.priorities[i]!]));
  const raw = chosen.map((m) => carried.get(toHex(m.address)) ?? 0n);
  const mean = raw.reduce((s, p) => s + p, 0n) / BigInt(raw.length);
  const set = new ValidatorSet(chosen);
  activeSet.put(state, NO_ID, { validators: chosen, priorities: raw.map((p) => p - mean) });
  await advancePriorities(state);
  events.push({ type: 'validator-set', size: chosen.length, hash: toHex(set.hash), totalPower: set.totalPower.toString() });
}
