/**
 * Typed errors with stable codes. Every rejection a user or peer can see carries one of these
 * codes; the RPC maps them to HTTP statuses and the CLI prints `code: message` and exits non-zero.
 */
export const ErrorCodes = {
  E_DECODE: 400,
  E_TOO_LARGE: 413,
  E_BAD_REQUEST: 400,
  E_BAD_SIGNATURE: 400,
  E_WRONG_CHAIN: 400,
  E_SEQUENCE: 409,
  E_FEE_TOO_LOW: 400,
  E_INSUFFICIENT_FUNDS: 400,
  E_EXPIRED: 400,
  E_MEMPOOL_FULL: 503,
  E_SENDER_LIMIT: 429,
  E_DUPLICATE: 409,
  E_UNKNOWN_MSG: 400,
  E_INVALID_MSG: 400,
  E_NOT_FOUND: 404,
  /** The RPC takes application/json or application/octet-stream bodies only. */
  E_UNSUPPORTED_MEDIA: 415,
  /** A WebSocket route (GET /events) was asked without `Upgrade: websocket`. */
  E_UPGRADE_REQUIRED: 426,
  /** The client took too long to send its request. */
  E_TIMEOUT: 408,
  E_BAD_BLOCK: 400,
  E_BAD_COMMIT: 400,
  E_CONFIG: 500,
  E_KEY: 400,
  E_STORE: 500,
  E_INTERNAL: 500,
  E_UNAVAILABLE: 503,
  /** The node is executing a block and its admission queue is full: retry shortly (docs/mempool.md §consensus first). */
  E_BUSY: 503,
  /** A peer or node answered with something malformed. */
  E_BAD_RESPONSE: 502,
  // proof of succinct work (docs/puzzle.md §verification)
  E_SOLUTION_ENCODING: 400,
  E_WRONG_EPOCH: 409,
  E_BELOW_TARGET: 400,
  E_INVALID_PROOF: 400,
  /** The inputs of a proof request admit no witness: the circuit's constraints fail on them. */
  E_NO_WITNESS: 422,
  /** Sealed private inputs that do not open with the prover's key or do not match the request's commitment (docs/market.md §sealed). */
  E_SEAL: 422,
  E_NOT_CANONICAL: 400,
  E_RATE_LIMITED: 429,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class QuarryError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'QuarryError';
    this.code = code;
  }

  /** HTTP status the RPC answers with for this code. */
  get status(): number {
    return ErrorCodes[this.code];
  }
}

export function fail(code: ErrorCode, message: string): never {
  throw new QuarryError(code, message);
}

/** Normalizes anything thrown into a QuarryError (unknown errors become E_INTERNAL). */
export function asQuarryError(err: unknown): QuarryError {
  if (err instanceof QuarryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new QuarryError('E_INTERNAL', message);
}
