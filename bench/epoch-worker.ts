/**
 * One epoch-program measurement in a process of its own (so peak memory is this size's alone):
 * compile (cold: a fresh key cache), prove genesis and one handoff signed by every member of a
 * synthetic set of N validators, verify. Prints one JSON line. `--rows-only` (the smoke run) stops
 * after the circuit analysis: the o1js compile alone takes minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { epochProgram, verifyEpochProof } from '../consensus/epoch/program.ts';
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
    const boundary = { headerHash: new Uint8Array(32).fill(1), stateRoot: new Uint8Array(32).fill(2) };
    const message = handoffMessage({ genesisId: await genesisId(genesisHash, c0), epoch: 1n, commitment: c0, ...boundary });
    const signatures = new Map<number, Uint8Array>();
    for (const [i, s] of secrets.entries()) signatures.set(i, await pallasSign(s, message));
    const step = await timeIt(() => program.proveHandoff(base.value, { members, signatures, next: c0, boundary }));
    const verify = await timeIt(() => verifyEpochProof(step.value, compile.value));
    if (!verify.value) throw new Error('the step proof does not verify');
    return { compileMs: compile.ms, genesisMs: base.ms, stepMs: step.ms, verifyMs: verify.ms, proofBytes: JSON.stringify(step.value).length };
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
process.stdout.write(JSON.stringify({ n, rows, ...proved, peakMb }) + '\n');
process.exit(0);
