/**
 * `quarry puzzle prove|verify|info`: the puzzle for auditors, outside any chain. `prove` writes
 * `{proof, publicSignals}` in snarkjs's JSON format (so `snarkjs groth16 verify` accepts it);
 * `verify` exits 0 when Quarry accepts the proof and 1 with the rejection code otherwise.
 */
import type { Command } from 'commander';
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { QuarryError } from '../../protocol/errors.ts';
import { toHex } from '../../protocol/encoding/bytes.ts';
import { CIRCUITS, circuitFiles, type CircuitName } from '../../circuits/artifacts.ts';
import { FR, type Statement } from '../../puzzle/field.ts';
import { bigToBytesBE } from '../../protocol/encoding/bytes.ts';
import type { SnarkjsProof } from '../../protocol/proof-codec.ts';
import { action, addressBytes, printJson } from './util.ts';
import { fields } from './table.ts';

function circuitName(v: string): CircuitName {
  if (!(v in CIRCUITS)) throw new QuarryError('E_CONFIG', `--circuit must be one of ${Object.keys(CIRCUITS).join(', ')}`);
  return v as CircuitName;
}

function fieldArg(v: string, what: string, max: bigint): bigint {
  if (!/^(0|[1-9][0-9]*|0x[0-9a-fA-F]+)$/.test(v)) throw new QuarryError('E_BAD_REQUEST', `${what} must be a decimal or 0x-hex integer`);
  const n = BigInt(v);
  if (n >= max) throw new QuarryError('E_BAD_REQUEST', `${what} is out of range`);
  return n;
}

function addressArg(v: string): Promise<Uint8Array> | Uint8Array {
  return v.startsWith('qry1') ? addressBytes(v) : bigToBytesBE(fieldArg(v, '--address', 1n << 160n), 20);
}

/** Reads {proof, publicSignals}; the statement is publicSignals[1..3] (challenge, address, nonce). */
function readProofFile(path: string): { statement: Statement; proof: SnarkjsProof; signals: string[] } {
  let j: { proof: SnarkjsProof; publicSignals: string[] };
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new QuarryError('E_DECODE', `cannot read ${path}: ${(err as Error).message}`);
  }
  const s = j?.publicSignals;
  if (!Array.isArray(s) || s.length !== 4 || s.some((x) => typeof x !== 'string' || !/^(0|[1-9][0-9]*)$/.test(x))) {
    throw new QuarryError('E_DECODE', 'publicSignals must be 4 decimal strings: digest, challenge, address, nonce');
  }
  const statement = { challenge: fieldArg(s[1]!, 'challenge', FR), address: bigToBytesBE(fieldArg(s[2]!, 'address', 1n << 160n), 20), nonce: fieldArg(s[3]!, 'nonce', 1n << 64n) };
  return { statement, proof: j.proof, signals: s };
}

export function registerPuzzle(puzzle: Command): void {

  puzzle
    .command('prove')
    .description('write the canonical proof of (challenge, address, nonce)')
    .requiredOption('--challenge <c>', 'epoch challenge (a field element)')
    .requiredOption('--address <a>', 'prover address (qry1… or a field element below 2^160)')
    .requiredOption('--nonce <n>', 'nonce (u64)')
    .requiredOption('--out <file>', 'output JSON file')
    .option('--circuit <name>', 'posw or posw-small', 'posw')
    .action(
      action(async (o: { challenge: string; address: string; nonce: string; out: string; circuit: string }) => {
        const st = { challenge: fieldArg(o.challenge, '--challenge', FR), address: await addressArg(o.address), nonce: fieldArg(o.nonce, '--nonce', 1n << 64n) };
        const [{ loadCircuit }, { CanonicalProver }, { toSnarkjs }] = await Promise.all([import('../../puzzle/circuit.ts'), import('../../puzzle/prover.ts'), import('../../protocol/proof-codec.ts')]);
        const prover = await CanonicalProver.create(loadCircuit(circuitName(o.circuit)));
        const started = Date.now();
        const p = await prover.prove(st);
        writeFileSync(o.out, JSON.stringify({ proof: toSnarkjs(p.proof), publicSignals: p.publicSignals.map(String) }, null, 2) + '\n');
        process.stdout.write(`wrote ${o.out} (proved in ${Date.now() - started} ms)\n`);
        await prover.close();
        process.exit(0);
      }),
    );

  puzzle
    .command('verify <file>')
    .description('exit 0 if Quarry accepts the proof (valid and canonical), else 1 with the rejection code')
    .option('--circuit <name>', 'posw or posw-small', 'posw')
    .action(
      action(async (file: string, o: { circuit: string }) => {
        const { statement, proof, signals } = readProofFile(file);
        const [{ loadCircuit }, { PuzzleVerifier }, { fromSnarkjs }] = await Promise.all([import('../../puzzle/circuit.ts'), import('../../puzzle/verifier.ts'), import('../../protocol/proof-codec.ts')]);
        const circuit = loadCircuit(circuitName(o.circuit));
        const verifier = await PuzzleVerifier.create(circuit, { precompute: false }); // one check: no table
        await verifier.check(statement, fromSnarkjs(proof));
        process.stdout.write(`OK: canonical proof of challenge ${signals[1]} address ${toHex(statement.address)} nonce ${signals[3]}\n`);
        process.exit(0);
      }),
    );

  puzzle
    .command('info')
    .description('constraint count, verification-key hash (circuit id) and the path of verification_key.json')
    .option('--circuit <name>', 'posw or posw-small', 'posw')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { circuit: string; json?: boolean }) => {
        const name = circuitName(o.circuit);
        const circuit = (await import('../../puzzle/circuit.ts')).loadCircuit(name);
        const zkey = zkeyHeader(circuit.zkeyPath);
        const info = {
          circuit: name,
          constraints: r1csConstraints(circuitFiles(name).r1cs),
          wires: zkey.nVars,
          domainSize: zkey.domainSize,
          publicSignals: ['digest', 'challenge', 'address', 'nonce'],
          vkHash: toHex(circuit.id),
          verificationKey: circuit.vkeyPath,
          chainRounds: CIRCUITS[name].rounds,
        };
        if (o.json) return printJson(info);
        process.stdout.write(fields(Object.entries(info).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)])));
      }),
    );
}

/**
 * Header section `type` of an iden3 binfile (r1cs, zkey): magic, version and section count, then
 * sections of (type u32, size u64, data). Reads only the headers it walks, not the megabytes of
 * points and constraints.
 */
function binHeader(path: string, type: number): DataView {
  const fd = openSync(path, 'r');
  try {
    const read = (at: number, n: number) => {
      const buf = Buffer.alloc(n);
      if (readSync(fd, buf, 0, n, at) !== n) throw new QuarryError('E_CONFIG', `${path} is truncated`);
      return new DataView(buf.buffer, buf.byteOffset, n);
    };
    const nSections = read(8, 4).getUint32(0, true);
    for (let i = 0, at = 12; i < nSections; i++) {
      const h = read(at, 12);
      const size = Number(h.getBigUint64(4, true));
      if (h.getUint32(0, true) === type && size <= 1 << 16) return read(at + 12, size);
      at += 12 + size;
    }
    throw new QuarryError('E_CONFIG', `${path} has no header section ${type}`);
  } finally {
    closeSync(fd);
  }
}

/** Constraints from an r1cs header: field size, prime, nWires, nPubOut, nPubIn, nPrvIn (u32), nLabels (u64), nConstraints. */
function r1csConstraints(path: string): number {
  const h = binHeader(path, 1);
  return h.getUint32(4 + h.getUint32(0, true) + 24, true);
}

/** From a Groth16 zkey's header (section 2): n8q, q, n8r, r, nVars, nPublic, domainSize. */
function zkeyHeader(path: string): { nVars: number; domainSize: number } {
  const h = binHeader(path, 2);
  const n8q = h.getUint32(0, true);
  const at = 8 + n8q + h.getUint32(4 + n8q, true);
  return { nVars: h.getUint32(at, true), domainSize: h.getUint32(at + 8, true) };
}
