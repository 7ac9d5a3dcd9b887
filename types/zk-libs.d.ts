// Minimal type declarations for the untyped zk libraries Quarry calls (snarkjs, ffjavascript,
// circom_runtime). Only what the code uses is declared.
declare module 'ffjavascript' {
  export interface WasmField {
    n8: number;
    one: Uint8Array;
    w: Uint8Array[];
    e(v: bigint | number | string): Uint8Array;
    toObject(a: Uint8Array): bigint;
    fromObject(v: bigint): Uint8Array;
    mul(a: Uint8Array, b: Uint8Array): Uint8Array;
    neg(a: Uint8Array): Uint8Array;
    toRprLE(buff: Uint8Array, offset: number, a: Uint8Array): void;
    fromRprLE(buff: Uint8Array, offset?: number): Uint8Array;
  }
  export interface WasmGroup {
    F: { n8: number };
    g: Uint8Array;
    zero: Uint8Array;
    add(a: Uint8Array, b: Uint8Array): Uint8Array;
    sub(a: Uint8Array, b: Uint8Array): Uint8Array;
    neg(a: Uint8Array): Uint8Array;
    eq(a: Uint8Array, b: Uint8Array): boolean;
    timesFr(a: Uint8Array, s: Uint8Array): Uint8Array;
    timesScalar(a: Uint8Array, s: bigint | number): Uint8Array;
    toAffine(a: Uint8Array): Uint8Array;
    toObject(a: Uint8Array): bigint[] | bigint[][];
    fromObject(a: unknown): Uint8Array;
    isValid(a: Uint8Array): boolean;
    toRprUncompressed(buff: Uint8Array, offset: number, a: Uint8Array): void;
    fromRprUncompressed(buff: Uint8Array, offset: number): Uint8Array;
    fromRprLEM(buff: Uint8Array, offset?: number): Uint8Array;
    toRprLEM(buff: Uint8Array, offset: number, a: Uint8Array): void;
    multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<Uint8Array>;
  }
  export interface ThreadManager {
    instance: WebAssembly.Instance;
    memory: WebAssembly.Memory;
    alloc(n: number): number;
    setBuff(p: number, b: Uint8Array): void;
    getBuff(p: number, n: number): Uint8Array;
  }
  export interface Curve {
    name: string;
    Fr: WasmField;
    F1: WasmField;
    G1: WasmGroup;
    G2: WasmGroup;
    tm: ThreadManager;
    pairingEq(...args: Uint8Array[]): Promise<boolean>;
    terminate(): Promise<void>;
  }
  /** wasmbuilder's builders, as `buildBn128`'s plugin hook hands them over: each call returns wasm bytes. */
  export type WasmCode = number[];
  export interface WasmCodeBuilder {
    getLocal(name: string): WasmCode;
    setLocal(name: string, value: WasmCode): WasmCode;
    call(fn: string, ...args: WasmCode[]): WasmCode;
    if(cond: WasmCode, then: WasmCode, otherwise?: WasmCode): WasmCode;
    block(code: WasmCode): WasmCode;
    loop(...code: WasmCode[]): WasmCode;
    br(depth: number): WasmCode;
    br_if(depth: number, cond: WasmCode): WasmCode;
    ret(value: WasmCode): WasmCode;
    i32_const(v: number): WasmCode;
    i32_load(address: WasmCode): WasmCode;
    i32_add(a: WasmCode, b: WasmCode): WasmCode;
    i32_sub(a: WasmCode, b: WasmCode): WasmCode;
    i32_mul(a: WasmCode, b: WasmCode): WasmCode;
    i32_eqz(a: WasmCode): WasmCode;
    i32_and(a: WasmCode, b: WasmCode): WasmCode;
    i32_shl(a: WasmCode, b: WasmCode): WasmCode;
    i32_eq(a: WasmCode, b: WasmCode): WasmCode;
    i32_lt_s(a: WasmCode, b: WasmCode): WasmCode;
  }
  export interface WasmFunctionBuilder {
    addParam(name: string, type: 'i32'): void;
    addLocal(name: string, type: 'i32'): void;
    setReturnType(type: 'i32'): void;
    getCodeBuilder(): WasmCodeBuilder;
    addCode(...code: WasmCode[]): void;
  }
  export interface WasmModuleBuilder {
    addFunction(name: string): WasmFunctionBuilder;
    exportFunction(name: string): void;
    /** Static memory in the module, its address. */
    alloc(bytes: number): number;
  }
  export function buildBn128(singleThread?: boolean, plugins?: (module: WasmModuleBuilder) => void): Promise<Curve>;
  export const utils: {
    unstringifyBigInts(v: unknown): unknown;
    stringifyBigInts(v: unknown): unknown;
  };
}

declare module 'circom_runtime' {
  export interface WitnessCalculator {
    calculateWitness(input: Record<string, unknown>, sanityCheck?: boolean): Promise<bigint[]>;
    calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
    witnessSize: number;
  }
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: Record<string, unknown>): Promise<WitnessCalculator>;
}

declare module 'snarkjs' {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  type Logger = { debug: (m: string) => void; info: (m: string) => void; warn: (m: string) => void; error: (m: string) => void };
  export const groth16: {
    fullProve(input: Record<string, unknown>, wasm: string | Uint8Array, zkey: string | Uint8Array): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vk: unknown, publicSignals: string[], proof: Groth16Proof): Promise<boolean>;
  };
  export const curves: { getCurveFromName(name: string): Promise<import('ffjavascript').Curve> };
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, file: string, logger?: Logger): Promise<void>;
    contribute(oldFile: string, newFile: string, name: string, entropy: string, logger?: Logger): Promise<void>;
    beacon(oldFile: string, newFile: string, name: string, beaconHash: string, iterationsExp: number, logger?: Logger): Promise<void>;
    preparePhase2(oldFile: string, newFile: string, logger?: Logger): Promise<void>;
  };
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<void>;
    contribute(oldFile: string, newFile: string, name: string, entropy: string, logger?: Logger): Promise<void>;
    beacon(oldFile: string, newFile: string, name: string, beaconHash: string, iterationsExp: number, logger?: Logger): Promise<void>;
    verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<boolean>;
    exportVerificationKey(zkey: string, logger?: Logger): Promise<unknown>;
  };
}
