/**
 * Typed client errors. Every error a client sees carries a stable `code`: the node's own code
 * (E_SEQUENCE, E_INSUFFICIENT_FUNDS, E_INVALID_PROOF, …) or a client-side one (E_UNAVAILABLE when
 * the node cannot be reached, E_BAD_RESPONSE when what answers is not a Quarry node, E_RPC_URL for a
 * URL that is not http(s), E_TIMEOUT, E_DECODE, E_AMOUNT).
 */
export class QuarryClientError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'QuarryClientError';
  }
}

/** The node refused a request (or could not be reached: status 0). */
export class RpcError extends QuarryClientError {
  constructor(code: string, message: string, readonly status: number) {
    super(code, message);
    this.name = 'RpcError';
  }
}

/** A transaction was committed but its execution failed; `code` is the receipt's. */
export class TxFailedError extends QuarryClientError {
  constructor(code: string, message: string, readonly hash: string, readonly height: string) {
    super(code, message);
    this.name = 'TxFailedError';
  }
}

export class TimeoutError extends QuarryClientError {
  constructor(message: string) {
    super('E_TIMEOUT', message);
    this.name = 'TimeoutError';
  }
}

/** A text amount that is not a number with a unit (`2.5qry`, `2500000uqry`). */
export class AmountError extends QuarryClientError {
  constructor(message: string) {
    super('E_AMOUNT', message);
    this.name = 'AmountError';
  }
}
