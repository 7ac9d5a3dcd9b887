/**
 * Wasm functions added to ffjavascript's BN254 module (through `buildBn128`'s plugin hook, built
 * with wasmbuilder from this source at load time) for batch-affine bucket accumulation in G1 and
 * G2 (`wasm-msm.ts`): adding two affine points costs one field inversion, and n inversions batched
 * with Montgomery's trick cost one inversion and 3(n − 1) multiplications, so a batched affine
 * addition is ≈ 6 multiplications against ≈ 11 for the mixed Jacobian addition the curve's own
 * bucket routine uses.
 *
 * Points are affine, Montgomery form, x then y, as `g1m` (2 × 32 bytes) and `g2m` (2 × 64 bytes,
 * Fq2 coordinates) store them.
 */
import type { WasmCodeBuilder, WasmModuleBuilder } from 'ffjavascript';

/** Kinds `quarry_gN_pairDenom` returns. */
export const PAIR_ADD = 0;
export const PAIR_DOUBLE = 1;
/** P = −Q: the sum is the point at infinity. */
export const PAIR_INFINITY = 2;

export interface AffineGroup {
  /** Prefix of the functions added here. */
  name: 'quarry_g1' | 'quarry_g2';
  /** ffjavascript's curve and field prefixes. */
  curve: 'g1m' | 'g2m';
  field: 'f1m' | 'f2m';
  /** Bytes of a coordinate; an affine point is two. */
  n8: number;
}

export const AFFINE_G1: AffineGroup = { name: 'quarry_g1', curve: 'g1m', field: 'f1m', n8: 32 };
export const AFFINE_G2: AffineGroup = { name: 'quarry_g2', curve: 'g2m', field: 'f2m', n8: 64 };

export function affineGroup(curve: 'g1m' | 'g2m'): AffineGroup {
  return curve === 'g1m' ? AFFINE_G1 : AFFINE_G2;
}

export function affinePlugin(module: WasmModuleBuilder): void {
  for (const g of [AFFINE_G1, AFFINE_G2]) {
    pairDenominator(module, g);
    pairAdd(module, g);
    gather(module, g);
    shift(module, g);
    for (const fn of ['pairDenom', 'pairAdd', 'gather', 'shift']) module.exportFunction(`${g.name}_${fn}`);
  }
}

const plus = (c: WasmCodeBuilder, p: string, bytes: number) => c.i32_add(c.getLocal(p), c.i32_const(bytes));

/**
 * `pairDenom(pP, pQ, pD) → kind`: the denominator of P + Q's slope, xQ − xP, or 2yP when P = Q
 * (a doubling), into pD; PAIR_INFINITY (pD unset) when P = −Q.
 */
function pairDenominator(module: WasmModuleBuilder, g: AffineGroup): void {
  const f = module.addFunction(`${g.name}_pairDenom`);
  for (const p of ['pP', 'pQ', 'pD']) f.addParam(p, 'i32');
  f.setReturnType('i32');
  const c = f.getCodeBuilder();
  const [yP, yQ] = [plus(c, 'pP', g.n8), plus(c, 'pQ', g.n8)];
  f.addCode(
    c.call(`${g.field}_sub`, c.getLocal('pQ'), c.getLocal('pP'), c.getLocal('pD')),
    c.if(
      c.call(`${g.field}_isZero`, c.getLocal('pD')),
      c.if(c.call(`${g.field}_eq`, yP, yQ), [...c.call(`${g.field}_add`, yP, yP, c.getLocal('pD')), ...c.ret(c.i32_const(PAIR_DOUBLE))], c.ret(c.i32_const(PAIR_INFINITY))),
    ),
    c.i32_const(PAIR_ADD),
  );
}

/** `pairAdd(pP, pQ, pInv, kind, pR)`: R = P + Q given pInv = 1 / pairDenom's denominator. R may be P or Q. */
function pairAdd(module: WasmModuleBuilder, g: AffineGroup): void {
  const f = module.addFunction(`${g.name}_pairAdd`);
  for (const p of ['pP', 'pQ', 'pInv', 'kind', 'pR']) f.addParam(p, 'i32');
  const c = f.getCodeBuilder();
  const temp = () => c.i32_const(module.alloc(g.n8));
  const [lambda, x3, t] = [temp(), temp(), temp()];
  const [P, Q, R] = [c.getLocal('pP'), c.getLocal('pQ'), c.getLocal('pR')];
  const F = (op: string, ...args: number[][]) => c.call(`${g.field}_${op}`, ...args);
  f.addCode(
    c.if(
      c.i32_eq(c.getLocal('kind'), c.i32_const(PAIR_DOUBLE)),
      [...F('square', P, t), ...F('add', t, t, lambda), ...F('add', lambda, t, t)], // 3·xP², over 2yP
      F('sub', plus(c, 'pQ', g.n8), plus(c, 'pP', g.n8), t), // yQ − yP, over xQ − xP
    ),
    F('mul', t, c.getLocal('pInv'), lambda),
    F('square', lambda, x3), // x3 = λ² − xP − xQ
    F('sub', x3, P, x3),
    F('sub', x3, Q, x3),
    F('sub', P, x3, t), // y3 = λ·(xP − x3) − yP
    F('mul', lambda, t, t),
    F('sub', t, plus(c, 'pP', g.n8), plus(c, 'pR', g.n8)),
    F('copy', x3, R),
  );
}

/**
 * `gather(pTable, pEntries, count, pOut)`: copies the table's points named by the entries (u32:
 * index, top bit set for the negated point) to consecutive slots at pOut.
 */
function gather(module: WasmModuleBuilder, g: AffineGroup): void {
  const f = module.addFunction(`${g.name}_gather`);
  for (const p of ['pTable', 'pEntries', 'count', 'pOut']) f.addParam(p, 'i32');
  for (const l of ['e', 'src', 'end']) f.addLocal(l, 'i32');
  const c = f.getCodeBuilder();
  const pointShift = Math.log2(2 * g.n8);
  f.addCode(
    c.setLocal('end', c.i32_add(c.getLocal('pEntries'), c.i32_shl(c.getLocal('count'), c.i32_const(2)))),
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(c.getLocal('pEntries'), c.getLocal('end'))),
        c.setLocal('e', c.i32_load(c.getLocal('pEntries'))),
        c.setLocal('src', c.i32_add(c.getLocal('pTable'), c.i32_shl(c.i32_and(c.getLocal('e'), c.i32_const(0x7fffffff)), c.i32_const(pointShift)))),
        c.call(`${g.field}_copy`, c.getLocal('src'), c.getLocal('pOut')),
        c.if(
          c.i32_lt_s(c.getLocal('e'), c.i32_const(0)),
          c.call(`${g.field}_neg`, plus(c, 'src', g.n8), plus(c, 'pOut', g.n8)),
          c.call(`${g.field}_copy`, plus(c, 'src', g.n8), plus(c, 'pOut', g.n8)),
        ),
        c.setLocal('pEntries', c.i32_add(c.getLocal('pEntries'), c.i32_const(4))),
        c.setLocal('pOut', c.i32_add(c.getLocal('pOut'), c.i32_const(2 * g.n8))),
        c.br(0),
      ),
    ),
  );
}

/** `shift(pAffine, n, c, pJac)`: 2^c · each of n affine points, as Jacobian points (c doublings each). */
function shift(module: WasmModuleBuilder, g: AffineGroup): void {
  const f = module.addFunction(`${g.name}_shift`);
  for (const p of ['pIn', 'n', 'bits', 'pOut']) f.addParam(p, 'i32');
  for (const l of ['end', 'k']) f.addLocal(l, 'i32');
  const c = f.getCodeBuilder();
  f.addCode(
    c.setLocal('end', c.i32_add(c.getLocal('pOut'), c.i32_mul(c.getLocal('n'), c.i32_const(3 * g.n8)))),
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(c.getLocal('pOut'), c.getLocal('end'))),
        c.call(`${g.curve}_toJacobian`, c.getLocal('pIn'), c.getLocal('pOut')),
        c.setLocal('k', c.getLocal('bits')),
        c.block(
          c.loop(
            c.br_if(1, c.i32_eqz(c.getLocal('k'))),
            c.call(`${g.curve}_double`, c.getLocal('pOut'), c.getLocal('pOut')),
            c.setLocal('k', c.i32_sub(c.getLocal('k'), c.i32_const(1))),
            c.br(0),
          ),
        ),
        c.setLocal('pIn', c.i32_add(c.getLocal('pIn'), c.i32_const(2 * g.n8))),
        c.setLocal('pOut', c.i32_add(c.getLocal('pOut'), c.i32_const(3 * g.n8))),
        c.br(0),
      ),
    ),
  );
}
