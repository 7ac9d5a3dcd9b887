/**
 * Multi-exponentiations over fixed bases kept resident in the wasm memory of one ffjavascript
 * BN254 curve instance.
 *
 * - Bases at infinity are dropped when loading (a third of B's are in Poseidon circuits: wires
 *   that never appear in B); scalars are gathered per call.
 * - Without precomputation, the curve's own bucket routine (`*_multiexpAffine_chunk`) runs once per
 *   c-bit window, with doublings between windows; c is tuned per size (11 bits for G1 near 2^14).
 * - `precompute` trades memory for time: it stores every base shifted by 2^(c·j) for each window j,
 *   so one pass over all windows' buckets replaces a pass per window (no doublings, one bucket
 *   reduction), with signed digits and batch-affine bucket accumulation (bucket-pass.ts). On the
 *   posw circuit (≈ 15k bases per G1 set, 10k in G2) with c = 13, measured side by side: G1
 *   multi-exponentiations 1,981 → 1,004 ms a proof, G2 1,401 → 590 ms, the whole proof 3.6 →
 *   1.8 s; for ⌈255/c⌉× the bases' memory (≈ 100 MB for posw) and a one-time setup of 254
 *   doublings per base (≈ 20 s for posw here).
 */
import type { Curve } from 'ffjavascript';
import { affineGroup } from './wasm-affine.ts';
import { BucketPass } from './bucket-pass.ts';

export const N8 = 32;
const SCALAR_BITS = 254;
type WasmFn = (...args: number[]) => unknown;

export interface BaseSet {
  group: 'g1m' | 'g2m';
  ptr: number;
  /** Witness index of each kept base. */
  index: Uint32Array;
  /** Gathered scalars (32 bytes each). */
  scalars: number;
  window: number;
  /** With precomputation: the window count. */
  precomputed?: { windows: number };
}

/** Room the wasm multi-exponentiation uses above the free pointer for its bucket tables. */
const WORKSPACE = 16 << 20;

export class WasmMsm {
  readonly fn: Record<string, WasmFn>;
  private readonly acc: number;
  private readonly part: number;
  private readonly pass: BucketPass;

  constructor(readonly curve: Curve) {
    this.fn = curve.tm.instance.exports as unknown as Record<string, WasmFn>;
    this.acc = this.alloc(6 * N8);
    this.part = this.alloc(6 * N8);
    this.pass = new BucketPass({ fn: this.fn, memory: () => this.memory, alloc: (bytes) => this.alloc(bytes) });
  }

  get memory(): Uint8Array {
    return new Uint8Array(this.curve.tm.memory.buffer);
  }

  /** ffjavascript's bump allocator never grows memory, so grow it first (plus the workspace). */
  alloc(bytes: number): number {
    const tm = this.curve.tm as Curve['tm'] & { u8: Uint8Array; u32: Uint32Array };
    const needed = tm.u32[0]! + bytes + 8 + WORKSPACE;
    const have = tm.memory.buffer.byteLength;
    if (needed > have) {
      tm.memory.grow(Math.ceil((needed - have) / 65536));
      tm.u8 = new Uint8Array(tm.memory.buffer);
      tm.u32 = new Uint32Array(tm.memory.buffer);
    }
    return tm.alloc(bytes);
  }

  read(ptr: number, len: number): Uint8Array {
    return this.memory.slice(ptr, ptr + len);
  }

  /** Loads affine LEM bases; base i takes the scalar at index i + indexOffset. */
  load(group: 'g1m' | 'g2m', bases: Uint8Array, indexOffset = 0): BaseSet {
    const size = group === 'g1m' ? 64 : 128;
    const keep: number[] = [];
    for (let i = 0; i < bases.byteLength / size; i++) {
      for (let k = 0; k < size; k++) {
        if (bases[i * size + k] !== 0) {
          keep.push(i);
          break;
        }
      }
    }
    const ptr = this.alloc(keep.length * size);
    const mem = this.memory;
    keep.forEach((i, j) => mem.set(bases.subarray(i * size, i * size + size), ptr + j * size));
    const index = Uint32Array.from(keep, (i) => i + indexOffset);
    return { group, ptr, index, scalars: this.alloc(index.length * N8), window: windowBits(index.length) };
  }

  /**
   * Expands a set into its shifted copies for one-pass multi-exponentiation (bucket-pass.ts):
   * window j's copy is 2^(c·j)·base, c doublings from window j − 1's, in one batched conversion
   * to affine per window. c·windows ≥ 255 so the top window absorbs the last signed digit's carry.
   */
  precompute(set: BaseSet, c = 13): void {
    const g = affineGroup(set.group);
    const n = set.index.length;
    const size = 2 * g.n8;
    const windows = Math.ceil((SCALAR_BITS + 1) / c);
    const table = this.alloc(windows * n * size);
    const jac = this.alloc(n * 3 * g.n8);
    this.memory.copyWithin(table, set.ptr, set.ptr + n * size);
    for (let j = 1; j < windows; j++) {
      this.fn[`${g.name}_shift`]!(table + (j - 1) * n * size, n, c, jac);
      this.fn[`${g.curve}_batchToAffine`]!(jac, n, table + j * n * size);
    }
    set.ptr = table;
    set.window = c;
    set.precomputed = { windows };
    this.pass.reserve(n * windows, size);
  }

  /** Σ scalarᵢ·baseᵢ with scalars read from wasm memory at `source` (32-byte LE, witness-indexed). */
  msm(set: BaseSet, source: number): Uint8Array {
    const { fn } = this;
    const mem = this.memory;
    const idx = set.index;
    for (let i = 0; i < idx.length; i++) mem.copyWithin(set.scalars + i * N8, source + idx[i]! * N8, source + idx[i]! * N8 + N8);
    const g = set.group;
    if (set.precomputed) {
      this.pass.run({ group: affineGroup(g), table: set.ptr, scalars: set.scalars, n: idx.length, windows: set.precomputed.windows, window: set.window }, this.acc);
      return this.read(this.acc, g === 'g1m' ? 96 : 192);
    }
    const c = set.window;
    fn[`${g}_zero`]!(this.acc);
    for (let bit = Math.floor((SCALAR_BITS - 1) / c) * c; bit >= 0; bit -= c) {
      for (let d = 0; d < c; d++) fn[`${g}_double`]!(this.acc, this.acc);
      fn[`${g}_multiexpAffine_chunk`]!(set.ptr, set.scalars, N8, idx.length, bit, Math.min(c, 256 - bit), this.part);
      fn[`${g}_add`]!(this.acc, this.part, this.acc);
    }
    return this.read(this.acc, g === 'g1m' ? 96 : 192);
  }
}

/** Bucket width for n points with random 254-bit scalars (see the module comment). */
export function windowBits(n: number): number {
  return Math.max(4, Math.min(16, Math.round(Math.log2(Math.max(n, 2))) - 3));
}
