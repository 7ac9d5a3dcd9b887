/**
 * Error codes that prove a peer sent garbage (or relayed it): malformed or oversize bytes, bad
 * signatures, invalid or non-canonical proofs, another chain, an invalid block or commit. Gossip
 * rejects such messages and block sync charges the peer that served them; any other failure
 * (a duplicate, a stale sequence, this node's own storage) is nobody's fault on the wire.
 */
import { QuarryError, type ErrorCode } from '../../protocol/errors.ts';

const PEER_FAULTS = new Set<ErrorCode>([
  'E_DECODE',
  'E_TOO_LARGE',
  'E_BAD_SIGNATURE',
  'E_UNKNOWN_MSG',
  'E_WRONG_CHAIN',
  'E_SOLUTION_ENCODING',
  'E_INVALID_PROOF',
  'E_NOT_CANONICAL',
  'E_BAD_BLOCK',
  'E_BAD_COMMIT',
]);

export function isPeerFault(err: unknown): err is QuarryError {
  return err instanceof QuarryError && PEER_FAULTS.has(err.code);
}

/**
 * The gossip verdict on a handoff signature whose check failed: one for an epoch this node has not
 * reached, or for a handoff already complete or signed here, is early or late, not wrong (a node
 * behind or ahead of the sender sees it so; banning for it cut a slow full node off from its only
 * peer): ignored. A bad signature, a signer outside the set or malformed bytes are the peer's fault.
 */
export function handoffVerdict(err: unknown): 'ignore' | 'reject' {
  return err instanceof QuarryError && err.code !== 'E_NOT_FOUND' && err.code !== 'E_DUPLICATE' ? 'reject' : 'ignore';
}
