/**
 * Multi-exponentiations over fixed bases kept resident in the wasm memory of one ffjavascript
 * BN254 curve instance, calling the curve's own bucket routine (`*_multiexpAffine_chunk`) in place.
 *
 * - Bases at infinity are dropped when loading (a third of B's are in Poseidon circuits: wires
 *   that never appear in B); scalars are gathered per call.
 * - The bucket width is tuned per size (measured here: 11 bits for G1 near 2^14 points).
 * - `precompute` trades memory for time: it stores every base shifted by 2^(c·j) for each c-bit
 *   window j, so one bucket pass over all windows replaces a pass per window (one bucket
 *   reduction instead of ⌈254/c⌉, no doublings between windows): about 20 % faster, at ⌈254/c⌉×
 *   the memory and a one-time setup of seconds.
 */
import type { Curve } from 'ffjavascript';

export const N8 = 32;
const SCALAR_BITS = 254;
type WasmFn = (...args: number[]) => void;

export interface BaseSet {
  group: 'g1m' | 'g2m';
  ptr: number;
  /** Witness index of each kept base. */
  index: Uint32Array;
  /** Gathered scalars (32 bytes each). */
  scalars: number;
  window: number;
  /** With precomputation: window count, and room for one 16-bit digit per (window, base). */
  precomputed?: { windows: number; digits: number };
}

/** Room the wasm multi-exponentiation uses above the free pointer for its bucket tables. */
const WORKSPACE = 16 << 20;

export class WasmMsm {
  readonly fn: Record<string, WasmFn>;
  private readonly acc: number;
  private readonly part: number;

  constructor(readonly curve: Curve) {
    this.fn = curve.tm.instance.exports as unknown as Record<string, WasmFn>;
    this.acc = this.alloc(6 * N8);
    this.part = this.alloc(6 * N8);
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

  /** Expands a G1 set into its shifted copies for one-pass multi-exponentiation (see above). */
  precompute(set: BaseSet, c = 12): void {
    if (set.group !== 'g1m') throw new Error('precomputation is implemented for G1');
    const n = set.index.length;
    const windows = Math.ceil(SCALAR_BITS / c);
    const table = this.alloc(windows * n * 64);
    const jac = this.alloc(n * 96);
    const shift = this.alloc(N8);
    const one = this.alloc(N8);
    const digits = this.alloc(windows * n * 2);
    const mem = this.memory;
    mem.copyWithin(table, set.ptr, set.ptr + n * 64);
    mem.set(this.curve.Fr.e(1n << BigInt(c)), shift);
    mem.set(this.curve.Fr.one, one);
    for (let j = 1; j < windows; j++) {
      this.fn.g1m_batchApplyKeyMixed!(table + (j - 1) * n * 64, n, shift, one, jac);
      this.fn.g1m_batchToAffine!(jac, n, table + j * n * 64);
    }
    set.ptr = table;
    set.window = c;
    set.precomputed = { windows, digits };
  }

  /** Σ scalarᵢ·baseᵢ with scalars read from wasm memory at `source` (32-byte LE, witness-indexed). */
  msm(set: BaseSet, source: number): Uint8Array {
    const { fn } = this;
    const mem = this.memory;
    const idx = set.index;
    for (let i = 0; i < idx.length; i++) mem.copyWithin(set.scalars + i * N8, source + idx[i]! * N8, source + idx[i]! * N8 + N8);
    if (set.precomputed) return this.onePass(set, set.precomputed);
    const g = set.group;
    const c = set.window;
    fn[`${g}_zero`]!(this.acc);
    for (let bit = Math.floor((SCALAR_BITS - 1) / c) * c; bit >= 0; bit -= c) {
      for (let d = 0; d < c; d++) fn[`${g}_double`]!(this.acc, this.acc);
      fn[`${g}_multiexpAffine_chunk`]!(set.ptr, set.scalars, N8, idx.length, bit, Math.min(c, 256 - bit), this.part);
      fn[`${g}_add`]!(this.acc, this.part, this.acc);
    }
    return this.read(this.acc, g === 'g1m' ? 96 : 192);
  }

  /** Splits every scalar into c-bit digits (window-major) and runs one bucket pass over them. */
  private onePass(set: BaseSet, pre: { windows: number; digits: number }): Uint8Array {
    const n = set.index.length;
    const c = set.window;
    const mask = (1 << c) - 1;
    const mem = this.memory;
    const words = new Uint32Array(mem.buffer, set.scalars, n * 8);
    const digits = new Uint16Array(mem.buffer, pre.digits, pre.windows * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < pre.windows; j++) {
        const bit = j * c;
        const w = bit >>> 5;
        const off = bit & 31;
        let v = words[i * 8 + w]! >>> off;
        if (off + c > 32 && w < 7) v |= words[i * 8 + w + 1]! << (32 - off);
        digits[j * n + i] = v & mask;
      }
    }
    this.fn.g1m_multiexpAffine_chunk!(set.ptr, pre.digits, 2, pre.windows * n, 0, c, this.acc);
    return this.read(this.acc, 96);
  }
}

/** Bucket width for n points with random 254-bit scalars (see the module comment). */
export function windowBits(n: number): number {
  return Math.max(4, Math.min(16, Math.round(Math.log2(Math.max(n, 2))) - 3));
}
