/** The committed circuits by name and their ceremony groups: plain data, safe in browsers (the genesis parser checks names against it). */
export type CircuitName = 'posw' | 'posw-small' | 'poseidon-preimage' | 'merkle-membership' | 'bound-preimage';
export type CircuitGroup = 'puzzle' | 'examples' | 'bound';
/** Every committed circuit; a ceremony run covers one group (its own powers of tau). */
export const CIRCUITS: Record<CircuitName, { source: string; group: CircuitGroup; rounds?: number }> = {
  posw: { source: 'posw/posw.main.circom', group: 'puzzle', rounds: 64 },
  'posw-small': { source: 'posw/posw-small.main.circom', group: 'puzzle', rounds: 3 },
  'poseidon-preimage': { source: 'examples/poseidon-preimage.circom', group: 'examples' },
  'merkle-membership': { source: 'examples/merkle-membership.circom', group: 'examples' },
  // its own group so that adding it did not redo the examples' setup (their ids stay)
  'bound-preimage': { source: 'examples/bound-preimage.circom', group: 'bound' },
};
/** Powers of tau per group: 2^power must cover the group's largest domain. */
export const GROUP_POWER: Record<CircuitGroup, number> = { puzzle: 14, examples: 12, bound: 12 };
