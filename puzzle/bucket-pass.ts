/**
 * One-pass multi-exponentiation over a precomputed base table (`WasmMsm.precompute`: every base
 * shifted by 2^(c·j) for each c-bit window j), so all windows share one set of buckets:
 *
 * 1. Signed digits: each window's digit is in [−2^(c−1), 2^(c−1)], a negative one adding the
 *    negated point (free in affine form), so 2^(c−1) buckets instead of 2^c.
 * 2. The (window, base) entries are counting-sorted by bucket and gathered, signed, into a
 *    scratch array of affine points in bucket order.
 * 3. Rounds: every bucket holding two points or more adds them pairwise (slots 2k and 2k+1 into
 *    slot k), all the additions of a round in affine form sharing one batched inversion
 *    (`wasm-affine.ts`), until each bucket holds one point: about log2(entries per bucket) rounds.
 * 4. One running-sum reduction, Σ (b+1)·bucket_b, in Jacobian form.
 *
 * The special cases of affine addition (P = Q, P = −Q, a bucket that became the point at infinity)
 * are handled exactly, so equal or opposite bases — which proving keys can have — sum correctly.
 */
import { PAIR_ADD, PAIR_DOUBLE, PAIR_INFINITY, type AffineGroup } from './wasm-affine.ts';

type WasmFn = (...args: number[]) => unknown;

export interface PassMemory {
  fn: Record<string, WasmFn>;
  /** The wasm memory now (it moves when memory grows). */
  memory(): Uint8Array;
  alloc(bytes: number): number;
}

export interface PassInput {
  group: AffineGroup;
  /** The precomputed table: window j's copy of base i at (j·n + i). */
  table: number;
  /** n scalars, 32-byte little-endian normal form. */
  scalars: number;
  n: number;
  windows: number;
  /** Digit bits c. */
  window: number;
}

/** A pair with a point at infinity in it: the sum is the other point (or infinity). */
const COPY = 3;
/** Inversions batched together at most (their running products take n8 bytes each of wasm workspace). */
const BATCH = 1 << 16;
const MAX_BUCKETS = 1 << 15;

export class BucketPass {
  private entries = 0;
  private points = 0;
  private denominators = 0;
  private capacity = { entries: 0, points: 0, denominators: 0 };
  private digits = new Int32Array(0);
  private inf = new Uint8Array(0);
  private kinds = new Uint8Array(0);
  private readonly start = new Int32Array(MAX_BUCKETS);
  private readonly len = new Int32Array(MAX_BUCKETS);
  private readonly fill = new Int32Array(MAX_BUCKETS);

  /** The running sum of the reduction (room for a G2 Jacobian point). */
  private readonly running: number;

  constructor(private readonly m: PassMemory) {
    this.running = m.alloc(6 * 32);
  }

  /** Working memory for passes of up to `entries` (window, base) pairs of `pointBytes`-byte points. */
  reserve(entries: number, pointBytes: number): void {
    const want = { entries, points: entries * pointBytes, denominators: Math.ceil(entries / 2) * (pointBytes / 2) };
    const have = this.capacity;
    if (want.entries <= have.entries && want.points <= have.points && want.denominators <= have.denominators) return;
    const e = Math.max(want.entries, have.entries);
    this.capacity = { entries: e, points: Math.max(want.points, have.points), denominators: Math.max(want.denominators, have.denominators) };
    if (e > have.entries) {
      this.entries = this.m.alloc(e * 4);
      this.digits = new Int32Array(e);
      this.inf = new Uint8Array(e);
      this.kinds = new Uint8Array(Math.ceil(e / 2));
    }
    if (want.points > have.points) this.points = this.m.alloc(this.capacity.points);
    if (want.denominators > have.denominators) this.denominators = this.m.alloc(this.capacity.denominators);
  }

  /** Σ scalarᵢ·baseᵢ as a Jacobian point at `out`. */
  run(x: PassInput, out: number): void {
    const g = x.group;
    this.reserve(x.n * x.windows, 2 * g.n8);
    const buckets = 1 << (x.window - 1);
    const filled = this.sortByBucket(x);
    this.m.fn[`${g.name}_gather`]!(x.table, this.entries, filled, this.points);
    this.inf.fill(0, 0, filled);
    while (this.pairRound(g, buckets));
    this.reduce(g, buckets, out);
  }

  /**
   * Signed digits of every scalar, window-major, counting-sorted by bucket: bucket b (digit ±(b+1))
   * holds entries [start[b], start[b] + len[b]), each a table index with the sign in the top bit.
   * Returns the number of entries (zero digits have none).
   */
  private sortByBucket(x: PassInput): number {
    const { n, windows, window: c } = x;
    const half = 1 << (c - 1);
    const mask = (1 << c) - 1;
    const mem = this.m.memory();
    const words = new Uint32Array(mem.buffer, x.scalars, n * 8);
    const { start, len, digits, fill } = this;
    len.fill(0, 0, half);
    for (let i = 0; i < n; i++) {
      let carry = 0;
      for (let j = 0; j < windows; j++) {
        const bit = j * c;
        const w = bit >>> 5;
        const off = bit & 31;
        let v = w < 8 ? words[i * 8 + w]! >>> off : 0;
        if (off + c > 32 && w < 7) v |= words[i * 8 + w + 1]! << (32 - off);
        v = (v & mask) + carry;
        carry = v > half ? 1 : 0;
        const d = v - (carry << c);
        digits[j * n + i] = d;
        if (d !== 0) len[(d < 0 ? -d : d) - 1]!++;
      }
    }
    let total = 0;
    for (let b = 0; b < half; b++) {
      start[b] = total;
      total += len[b]!;
    }
    fill.set(start.subarray(0, half));
    const out = new Uint32Array(mem.buffer, this.entries, total);
    for (let k = 0; k < n * windows; k++) {
      const d = digits[k]!;
      if (d > 0) out[fill[d - 1]!++] = k;
      else if (d < 0) out[fill[-d - 1]!++] = (k | 0x80000000) >>> 0;
    }
    return total;
  }

  /**
   * One round: in every bucket holding two points or more, adds them pairwise (slots 2k and 2k+1
   * into slot k, an odd last point moves down), all sharing one batched inversion. Returns false
   * when every bucket held at most one point already.
   */
  private pairRound(g: AffineGroup, buckets: number): boolean {
    const { fn } = this.m;
    const { start, len, kinds, inf } = this;
    const size = 2 * g.n8;
    const at = (slot: number) => this.points + slot * size;
    const denom = (i: number) => this.denominators + i * g.n8;
    const pairDenom = fn[`${g.name}_pairDenom`]!;
    let denominators = 0;
    let pairs = 0;
    for (let b = 0; b < buckets; b++) {
      const base = start[b]!;
      for (let k = 0; k + 1 < len[b]!; k += 2) {
        const p = base + k;
        if (inf[p] || inf[p + 1]) kinds[pairs++] = COPY;
        else {
          const kind = pairDenom(at(p), at(p + 1), denom(denominators)) as number;
          kinds[pairs++] = kind;
          if (kind !== PAIR_INFINITY) denominators++;
        }
      }
    }
    if (pairs === 0) return false;
    for (let i = 0; i < denominators; i += BATCH) fn[`${g.field}_batchInverse`]!(denom(i), g.n8, Math.min(BATCH, denominators - i), denom(i), g.n8);
    const pairAdd = fn[`${g.name}_pairAdd`]!;
    const mem = this.m.memory();
    let d = 0;
    let q = 0;
    for (let b = 0; b < buckets; b++) {
      const base = start[b]!;
      const l = len[b]!;
      let k = 0;
      for (; k + 1 < l; k += 2) {
        const p = base + k;
        const r = base + (k >> 1);
        const kind = kinds[q++]!;
        if (kind === PAIR_ADD || kind === PAIR_DOUBLE) {
          pairAdd(at(p), at(p + 1), denom(d++), kind, at(r));
          inf[r] = 0;
        } else if (kind === PAIR_INFINITY || (inf[p] && inf[p + 1])) inf[r] = 1;
        else {
          const from = inf[p] ? p + 1 : p;
          mem.copyWithin(at(r), at(from), at(from) + size);
          inf[r] = 0;
        }
      }
      if (k < l) {
        const r = base + (k >> 1);
        mem.copyWithin(at(r), at(base + k), at(base + k) + size);
        inf[r] = inf[base + k]!;
      }
      len[b] = (l + 1) >> 1;
    }
    return true;
  }

  /** Σ (b+1)·bucket_b as a running sum from the top bucket down, into `out` (Jacobian). */
  private reduce(g: AffineGroup, buckets: number, out: number): void {
    const { fn } = this.m;
    const { running } = this;
    fn[`${g.curve}_zero`]!(out);
    fn[`${g.curve}_zero`]!(running);
    for (let b = buckets - 1; b >= 0; b--) {
      const slot = this.start[b]!;
      if (this.len[b] && !this.inf[slot]) fn[`${g.curve}_addMixed`]!(running, this.points + slot * 2 * g.n8, running);
      fn[`${g.curve}_add`]!(out, running, out);
    }
  }
}
