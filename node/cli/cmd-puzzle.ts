/**
 * `quarry puzzle prove|verify|info`: the puzzle for auditors, outside any chain. `prove` writes
 * `{proof, publicSignals}` in snarkjs's JSON format (so `snarkjs groth16 verify` accepts it);
 * `verify` exits 0 when Quarry accepts the proof and 1 with the rejection code otherwise.
 */
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { QuarryError } from '../errors.ts';
import { decodeAddress, isAddress } from '../crypto/address.ts';
import { toHex } from '../encoding/bytes.ts';
import { CIRCUITS, circuitFiles, type CircuitName } from '../../circuits/artifacts.ts';
import { loadCircuit } from '../../puzzle/circuit.ts';
import { CanonicalProver } from '../../puzzle/prover.ts';
import { PuzzleVerifier } from '../../puzzle/verifier.ts';
import { FR, bigToBytesBE, type Statement } from '../../puzzle/field.ts';
import { fromSnarkjs, toSnarkjs, type SnarkjsProof } from '../../puzzle/proof-codec.ts';
import { parseZkey } from '../../puzzle/zkey.ts';
import { action, printJson } from './util.ts';

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

function addressArg(v: string): Uint8Array {
  return isAddress(v) ? decodeAddress(v) : bigToBytesBE(fieldArg(v, '--address', 1n << 160n), 20);
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

export function registerPuzzle(program: Command): void {
  const puzzle = program.command('puzzle').description('prove and verify puzzle statements outside a chain');

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
        const st = { challenge: fieldArg(o.challenge, '--challenge', FR), address: addressArg(o.address), nonce: fieldArg(o.nonce, '--nonce', 1n << 64n) };
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
    .action(
      action(async (o: { circuit: string }) => {
        const name = circuitName(o.circuit);
        const circuit = loadCircuit(name);
        const zkey = parseZkey(new Uint8Array(readFileSync(circuit.zkeyPath)));
        const raw = readFileSync(circuitFiles(name).r1cs);
        const r1cs = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
        printJson({
          circuit: name,
          constraints: r1csConstraints(r1cs),
          wires: zkey.nVars,
          domainSize: zkey.domainSize,
          publicSignals: ['digest', 'challenge', 'address', 'nonce'],
          vkHash: toHex(circuit.id),
          verificationKey: circuit.vkeyPath,
          chainRounds: CIRCUITS[name].rounds,
        });
      }),
    );
}

/** Number of constraints from an r1cs file's header section. */
function r1csConstraints(dv: DataView): number {
  let at = 12;
  const nSections = dv.getUint32(8, true);
  for (let i = 0; i < nSections; i++) {
    const type = dv.getUint32(at, true);
    const size = Number(dv.getBigUint64(at + 4, true));
    if (type === 1) {
      const fieldSize = dv.getUint32(at + 12, true);
      return dv.getUint32(at + 12 + 4 + fieldSize + 24, true); // after nWires, nPubOut, nPubIn, nPrvIn (u32) and nLabels (u64)
    }
    at += 12 + size;
  }
  throw new QuarryError('E_CONFIG', 'r1cs has no header section');
}
