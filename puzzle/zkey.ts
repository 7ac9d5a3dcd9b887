/**
 * Parser for snarkjs Groth16 proving keys (.zkey, the iden3 binfile layout) into in-memory
 * sections, so a prover reads its key once and keeps it. Points stay in the wasm curve's native
 * form: little-endian Montgomery affine coordinates.
 */
export interface Zkey {
  nVars: number;
  nPublic: number;
  domainSize: number;
  power: number;
  /** Header points (LEM affine). */
  alpha1: Uint8Array;
  beta1: Uint8Array;
  beta2: Uint8Array;
  gamma2: Uint8Array;
  delta1: Uint8Array;
  delta2: Uint8Array;
  ic: Uint8Array;
  /** Section 4 entries without the leading count: (m, c, s: u32, coef: 32 bytes) each. */
  coeffs: Uint8Array;
  nCoeffs: number;
  pointsA: Uint8Array;
  pointsB1: Uint8Array;
  pointsB2: Uint8Array;
  pointsC: Uint8Array;
  pointsH: Uint8Array;
}

const N8 = 32;

export function parseZkey(bytes: Uint8Array): Zkey {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== 'zkey') throw new Error('not a zkey file');
  const nSections = dv.getUint32(8, true);
  const sections = new Map<number, Uint8Array>();
  let at = 12;
  for (let i = 0; i < nSections; i++) {
    const type = dv.getUint32(at, true);
    const size = Number(dv.getBigUint64(at + 4, true));
    sections.set(type, bytes.subarray(at + 12, at + 12 + size));
    at += 12 + size;
  }
  const section = (t: number) => {
    const s = sections.get(t);
    if (!s) throw new Error(`zkey lacks section ${t}`);
    return s;
  };
  if (new DataView(section(1).buffer, section(1).byteOffset).getUint32(0, true) !== 1) throw new Error('zkey is not groth16');
  const h = section(2);
  const hv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const n8q = hv.getUint32(0, true);
  const n8r = hv.getUint32(4 + n8q, true);
  if (n8q !== N8 || n8r !== N8) throw new Error('zkey is not over BN254');
  let p = 8 + n8q + n8r;
  const nVars = hv.getUint32(p, true);
  const nPublic = hv.getUint32(p + 4, true);
  const domainSize = hv.getUint32(p + 8, true);
  p += 12;
  const take = (len: number) => {
    const out = h.subarray(p, p + len);
    p += len;
    return out;
  };
  const alpha1 = take(64);
  const beta1 = take(64);
  const beta2 = take(128);
  const gamma2 = take(128);
  const delta1 = take(64);
  const delta2 = take(128);
  const coeffSection = section(4);
  const nCoeffs = new DataView(coeffSection.buffer, coeffSection.byteOffset).getUint32(0, true);
  return {
    nVars,
    nPublic,
    domainSize,
    power: Math.log2(domainSize),
    alpha1,
    beta1,
    beta2,
    gamma2,
    delta1,
    delta2,
    ic: section(3),
    coeffs: coeffSection.subarray(4),
    nCoeffs,
    pointsA: section(5),
    pointsB1: section(6),
    pointsB2: section(7),
    pointsC: section(8),
    pointsH: section(9),
  };
}
