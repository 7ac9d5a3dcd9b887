/**
 * The stake-weighted round robin that picks proposers (CometBFT's priority algorithm,
 * docs/consensus.md §proposer) over plain powers: the chain's validator sets
 * (consensus/validator-set.ts) run it, and apps over RPC (the dashboard, the SDK) use it to predict
 * who proposes the coming heights from `GET /validators`. Pure and integer-only. A prediction
 * assumes the set does not change (staking can rotate it).
 */

/** One round: every priority grows by its power, the highest (ties: lowest index) proposes and pays the total. */
export function step(powers: readonly bigint[], total: bigint, priorities: readonly bigint[]): [bigint[], number] {
  const next = priorities.map((p, i) => p + powers[i]!);
  let winner = 0;
  for (let i = 1; i < next.length; i++) if (next[i]! > next[winner]!) winner = i;
  next[winner]! -= total;
  return [next, winner];
}

/**
 * Round-0 priorities of the following height: one round, then clamped to a spread of 2·total and
 * centred, so they cannot drift (CometBFT's rescale and shift).
 */
export function advance(powers: readonly bigint[], total: bigint, priorities: readonly bigint[]): bigint[] {
  const [next] = step(powers, total, priorities);
  const bound = 2n * total;
  const max = next.reduce((a, b) => (b > a ? b : a));
  const min = next.reduce((a, b) => (b < a ? b : a));
  const scaled = max - min > bound ? next.map((p) => (p * bound) / (max - min)) : next;
  const avg = scaled.reduce((s, p) => s + p, 0n) / BigInt(scaled.length);
  return scaled.map((p) => p - avg);
}

/**
 * Round-0 proposers (indices into the set) of the next `count` heights, the first being the height
 * the priorities belong to.
 */
export function proposerSchedule(powers: readonly bigint[], priorities: readonly bigint[], count: number): number[] {
  if (powers.length === 0 || powers.length !== priorities.length) return [];
  const total = powers.reduce((s, p) => s + p, 0n);
  const out: number[] = [];
  let p = [...priorities];
  for (let h = 0; h < count; h++) {
    out.push(step(powers, total, p)[1]);
    p = advance(powers, total, p);
  }
  return out;
}

/** Heights until validator `index` proposes at round 0 (0: the next height), or null beyond `horizon`. */
export function blocksUntilProposer(powers: readonly bigint[], priorities: readonly bigint[], index: number, horizon = 1000): number | null {
  const at = proposerSchedule(powers, priorities, horizon).indexOf(index);
  return at < 0 ? null : at;
}
