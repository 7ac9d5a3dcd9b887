/**
 * One epoch-program measurement in a process of its own (so peak memory is this size's alone):
 * compile (cold: a fresh key cache), prove genesis, a step of one handoff signed by every member of
 * a synthetic set of N validators and a step of a full batch (the next `batch` epochs: how a prover
 * that fell behind catches up), verify. Prints one JSON line. `--rows-only` (the smoke run) stops
 * after the circuit analysis: the o1js compile alone takes minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { epochOutput, epochProgram, verifyEpochProof, type HandoffWitness } from '../consensus/epoch/program.ts';
import { handoffMessage, setCommitment, genesisId, type EpochMember } from '../consensus/epoch/commitment.ts';
import { pallasPublicKey, pallasSign } from '../node/crypto/pallas.ts';
import { timeIt } from './util.ts';

const n = Number(process.argv[2]);
const rowsOnly = process.argv.includes('--rows-only');

async function prove(program: Awaited<ReturnType<typeof epochProgram>>, secrets: bigint[], members: EpochMember[]): Promise<Record<string, number>> {
  const cache = mkdtempSync(join(tmpdir(), 'quarry-epoch-bench-'));
  try {
    const compile = await timeIt(() => program.compile(cache));
    const genesisHash = new Uint8Array(32).fill(7);
    const c0 = await setCommitment(members, n);
    const base = await timeIt(() => program.proveGenesis(genesisHash, c0));
    const id = await genesisId(genesisHash, c0);
    const witness = async (epoch: bigint): Promise<HandoffWitness> => {
      const boundary = { headerHash: new Uint8Array(32).fill(Number(epoch)), stateRoot: new Uint8Array(32).fill(2) };
      const message = handoffMessage({ genesisId: id, epoch, commitment: c0, ...boundary });
      const signatures = new Map<number, Uint8Array>();
      for (const [i, s] of secrets.entries()) signatures.set(i, await pallasSign(s, message));
      return { members, signatures, next: c0, boundary };
    };
    const step = await timeIt(async () => program.proveHandoffs(base.value, [await witness(1n)]));
    const batch = await timeIt(async () => program.proveHandoffs(step.value, await Promise.all(Array.from({ length: program.batch }, (_, i) => witness(2n + BigInt(i))))));
    const verify = await timeIt(() => verifyEpochProof(batch.value, compile.value));
    if (!verify.value) throw new Error('the batch proof does not verify');
    if (epochOutput(batch.value).epoch !== 1n + BigInt(program.batch)) throw new Error('the batch proof proves another epoch');
    return { compileMs: compile.ms, genesisMs: base.ms, stepMs: step.ms, batchMs: batch.ms, verifyMs: verify.ms, proofBytes: JSON.stringify(step.value).length };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

const secrets = Array.from({ length: n }, (_, i) => BigInt(1000 + i));
const members: EpochMember[] = [];
for (const [i, s] of secrets.entries()) members.push({ address: new Uint8Array(20).fill(i), blsPubKey: new Uint8Array(48).fill(i), pallasPubKey: await pallasPublicKey(s), power: 100n });
const program = await epochProgram(n);
const rows = await program.rows();
const proved = rowsOnly ? {} : await prove(program, secrets, members);
const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify({ n, batch: program.batch, rows, ...proved, peakMb }) + '\n');
process.exit(0);
