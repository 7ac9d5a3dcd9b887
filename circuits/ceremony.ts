/**
 * The trusted-setup ceremony that produces the committed circuit artifacts (docs/puzzle.md
 * §setup): compile with circom2 (--O2), a powers-of-tau phase 1 with two contributions and a
 * beacon, then per circuit a phase 2 with two contributions and a beacon, a full verification of
 * the result against the r1cs and the ptau, the verification key, and SHA256SUMS.
 *
 * INSECURE FOR ANYTHING OF VALUE: every contribution is made here, in one process, so this
 * machine saw all the toxic waste (phase-1 tau as well as phase-2 delta). A real network runs the
 * same steps with each contribution made by a different party on its own machine.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as snarkjs from 'snarkjs';
import { BUILD_DIR, CIRCUITS, CIRCUITS_DIR, GROUP_POWER, circuitFiles, sha256File, type CircuitGroup, type CircuitName } from './artifacts.ts';

export interface CeremonyOptions {
  group: CircuitGroup;
  outDir: string;
  beaconHash: string;
  beaconIterationsExp: number;
  progress: (step: number, total: number, message: string) => void;
}

export const DEFAULT_BEACON = '0000000000000000000000000000000000000000000000000000000000000000';

const quietLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(`${m}\n`) };

function compile(name: CircuitName, work: string): { r1cs: string; wasm: string } {
  const circom = join(CIRCUITS_DIR, '..', 'node_modules', '.bin', 'circom2');
  const src = join(CIRCUITS_DIR, CIRCUITS[name].source);
  const out = join(work, name);
  mkdirSync(out, { recursive: true });
  execFileSync(circom, [src, '--r1cs', '--wasm', '--O2', '-l', join(CIRCUITS_DIR, '..', 'node_modules'), '-o', out], { stdio: 'pipe' });
  const stem = CIRCUITS[name].source.split('/').pop()!.replace(/\.circom$/, '');
  return { r1cs: join(out, `${stem}.r1cs`), wasm: join(out, `${stem}_js`, `${stem}.wasm`) };
}

export async function runCeremony(o: CeremonyOptions): Promise<void> {
  const names = (Object.keys(CIRCUITS) as CircuitName[]).filter((n) => CIRCUITS[n].group === o.group);
  const power = GROUP_POWER[o.group];
  const total = 6 + names.length * 6;
  let step = 0;
  const say = (m: string) => o.progress(++step, total, m);
  const work = mkdtempSync(join(tmpdir(), 'quarry-ceremony-'));
  const entropy = () => randomBytes(32).toString('hex');
  try {
    say(`phase 1: new powers of tau accumulator (2^${power}) for the ${o.group} circuits`);
    const curve = await snarkjs.curves.getCurveFromName('bn128');
    const ptau = (i: number) => join(work, `pot_${i}.ptau`);
    await snarkjs.powersOfTau.newAccumulator(curve, power, ptau(0), quietLogger);
    say('phase 1: contribution 1');
    await snarkjs.powersOfTau.contribute(ptau(0), ptau(1), 'quarry devnet phase1 #1', entropy(), quietLogger);
    say('phase 1: contribution 2');
    await snarkjs.powersOfTau.contribute(ptau(1), ptau(2), 'quarry devnet phase1 #2', entropy(), quietLogger);
    say('phase 1: beacon');
    await snarkjs.powersOfTau.beacon(ptau(2), ptau(3), 'quarry devnet phase1 beacon', o.beaconHash, o.beaconIterationsExp, quietLogger);
    say('phase 1: prepare phase 2');
    await snarkjs.powersOfTau.preparePhase2(ptau(3), ptau(4), quietLogger);
    const staged = join(work, 'out');
    for (const name of names) {
      say(`${name}: compile with circom2 --O2`);
      const { r1cs, wasm } = compile(name, work);
      const files = circuitFiles(name, staged);
      mkdirSync(join(staged, name), { recursive: true });
      copyFileSync(r1cs, files.r1cs);
      copyFileSync(wasm, files.wasm);
      const z = (i: number) => join(work, `${name}_${i}.zkey`);
      say(`${name}: phase 2 initial key`);
      await snarkjs.zKey.newZKey(files.r1cs, ptau(4), z(0), quietLogger);
      say(`${name}: phase 2 contribution 1`);
      await snarkjs.zKey.contribute(z(0), z(1), `quarry devnet ${name} #1`, entropy(), quietLogger);
      say(`${name}: phase 2 contribution 2`);
      await snarkjs.zKey.contribute(z(1), z(2), `quarry devnet ${name} #2`, entropy(), quietLogger);
      say(`${name}: phase 2 beacon, then verify the key against r1cs and ptau`);
      await snarkjs.zKey.beacon(z(2), files.zkey, `quarry devnet ${name} beacon`, o.beaconHash, o.beaconIterationsExp, quietLogger);
      if (!(await snarkjs.zKey.verifyFromR1cs(files.r1cs, ptau(4), files.zkey, quietLogger))) throw new Error(`${name}: the final zkey does not verify`);
      const vkey = await snarkjs.zKey.exportVerificationKey(files.zkey, quietLogger);
      writeFileSync(files.vkey, JSON.stringify(vkey, null, 1) + '\n');
    }
    say('checksums');
    mkdirSync(o.outDir, { recursive: true });
    for (const name of names) {
      rmSync(join(o.outDir, name), { recursive: true, force: true });
      renameSync(join(staged, name), join(o.outDir, name));
    }
    const lines = listFiles(o.outDir).map((f) => `${sha256File(f)}  ${relative(o.outDir, f)}`);
    writeFileSync(join(o.outDir, 'SHA256SUMS'), lines.join('\n') + '\n');
    await curve.terminate();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .filter((f) => !f.endsWith('SHA256SUMS'))
    .sort();
}

export { BUILD_DIR };
