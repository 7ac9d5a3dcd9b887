/**
 * The block builder and verifier: executes a block's content on top of the committed head (pure
 * execution: the state machine in node/exec) and assembles the header, for a proposal ("build":
 * bad transactions and solutions are skipped) or to check a proposed or synced block ("verify":
 * anything wrong rejects the block). The store (chain.ts) commits what it returns.
 */
import { decodeAs, encode } from '../../protocol/encoding/cbor.ts';
import { equalBytes, toHex } from '../../protocol/encoding/bytes.ts';
import { merkleRoot } from '../crypto/merkle.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { executeBlock, type BlockContent, type ExecResult } from '../exec/execute.ts';
import { getTargets } from '../modules/puzzle/state.ts';
import type { SolutionChecker } from '../modules/puzzle/solutions.ts';
import type { ProofVerifier } from '../modules/types.ts';
import { decodeSolution, solutionId } from '../../puzzle/solution.ts';
import { epochOf, getChainParams } from '../modules/chain-params.ts';
import { getActiveSet } from '../modules/validators.ts';
import { commitHash, encodeBlock, headerHash, type Block, type Header } from '../types/block.ts';
import type { CommitCertificate } from '../../consensus/messages.ts';
import { bitmapSet, verifyCommit } from '../../consensus/commit.ts';
import { evidenceId, evidenceSchema } from '../../consensus/evidence.ts';
import { checkEvidence } from './evidence.ts';
import { checkHandoffs } from './handoffs.ts';
import { HANDOFF_MAX_BYTES, handoffId, handoffSchema } from '../modules/epoch/handoff.ts';
import { EVIDENCE_MAX_BYTES } from '../types/block.ts';
import type { Validator } from '../../consensus/validator-set.ts';
import { decodeTxUnverified, type Tx } from '../tx/tx.ts';
import { firstBadTxSignatureOffThread } from '../crypto/verify-thread.ts';
import { sha256 } from '../crypto/hash.ts';
import { txWeight } from '../exec/ante.ts';
import type { Chain, Candidate } from './chain.ts';
import { beaconValid, signBeacon } from './beacon.ts';

/** The expensive checks block execution delegates (they keep verdict caches). */
export interface ChainServices {
  solutions: SolutionChecker;
  proofs: ProofVerifier;
}

export interface BuildOptions {
  time: bigint;
  proposer: Uint8Array;
  lastCommit: CommitCertificate | null;
  /** The proposer's budget (docs/consensus.md §proposal budget), asked with the transactions included so far: true once spent. */
  full?: (included: number) => boolean;
  /** The proposer's beacon signature; without it the builder signs with the proposer's key if it holds it. */
  beacon?: Uint8Array;
}

/** The BLS secret key of a proposer this process holds (tests and benchmarks build for their own validators). */
export type BeaconKeys = (proposer: Uint8Array) => Uint8Array | undefined;

/**
 * Transactions this node already decoded and signature-checked (its mempool), by the hash of their
 * signed bytes: a block carrying them is not decoded and verified again. The hash covers body and
 * signature, so a hit is the very same bytes.
 */
export type KnownTxs = (hash: Uint8Array) => Tx | undefined;

export class BlockBuilder {
  constructor(
    readonly chain: Chain,
    private readonly services: ChainServices,
    private readonly beaconKeys: BeaconKeys = () => undefined,
  ) {}

  /** Executes on top of the head and assembles a block (build mode: bad txs and solutions are skipped). */
  async buildBlock(content: BlockContent, opts: BuildOptions): Promise<Candidate> {
    return this.assemble(content, opts, 'build');
  }

  /**
   * Checks a proposed or synced block against the head: linkage, time, contents and the full
   * re-execution. The header's proposer (who built it, and earns the proposer bonus) must be in
   * the active set: a block re-proposed in a later round keeps its original builder, as in CometBFT.
   */
  async verifyBlock(block: Block, known?: KnownTxs): Promise<Candidate> {
    const h = block.header;
    const head = this.chain.head;
    if (h.chainId !== this.chain.chainId) throw new QuarryError('E_WRONG_CHAIN', `block is for chain "${h.chainId}"`);
    if (h.height !== head.height + 1n) throw new QuarryError('E_BAD_BLOCK', `block height ${h.height} does not follow the head ${head.height}`);
    if (!equalBytes(h.prevHash, head.hash)) throw new QuarryError('E_BAD_BLOCK', 'block does not extend the head (prevHash mismatch)');
    const { set } = await this.chain.activeSet();
    const at = set.indexOf(h.proposer);
    if (at < 0) throw new QuarryError('E_BAD_BLOCK', 'block proposer is not in the validator set');
    if (!beaconValid(h.chainId, h.height, h.beacon, set.publicKey(at))) throw new QuarryError('E_BAD_BLOCK', "block beacon is not its proposer's signature");
    await this.verifyLastCommit(block);
    let content: BlockContent;
    const unchecked: Uint8Array[] = []; // transactions this node has not seen: signatures still to check
    try {
      content = {
        txs: block.txs.map((b) => known?.(sha256(b)) ?? (unchecked.push(b), decodeTxUnverified(b))),
        solutions: block.solutions.map((b) => decodeSolution(b, this.chain.chainId)),
        evidence: block.evidence.map((b) => decodeAs(evidenceSchema, b, EVIDENCE_MAX_BYTES)),
        handoffs: block.handoffs.map((b) => decodeAs(handoffSchema, b, HANDOFF_MAX_BYTES)),
      };
    } catch (err) {
      throw new QuarryError('E_BAD_BLOCK', `block carries an undecodable transaction or solution: ${(err as Error).message}`);
    }
    // checked on the verify thread while the block executes; a bad one fails the block either way
    const signatures = firstBadTxSignatureOffThread(unchecked);
    const candidate = await this.assemble(content, { time: h.time, proposer: h.proposer, lastCommit: block.lastCommit, beacon: h.beacon }, 'verify').catch(async (err: unknown) => {
      await refuseBadSignature(signatures);
      throw err;
    });
    await refuseBadSignature(signatures);
    if (!equalBytes(candidate.hash, headerHash(h))) {
      const mismatch = (Object.keys(h) as Array<keyof Header>).filter((k) => toHex(encode(h[k])) !== toHex(encode(candidate.block.header[k])));
      throw new QuarryError('E_BAD_BLOCK', `block header does not match its re-execution (${mismatch.join(', ')})`);
    }
    return candidate;
  }

  private async verifyLastCommit(block: Block): Promise<void> {
    const h = block.header;
    if (h.height === 1n) {
      if (block.lastCommit !== null) throw new QuarryError('E_BAD_BLOCK', 'the first block carries no previous commit');
      return;
    }
    if (!block.lastCommit) throw new QuarryError('E_BAD_BLOCK', 'block lacks the previous block commit');
    const prev = await this.chain.getBlock(h.height - 1n);
    if (!prev) throw new QuarryError('E_STORE', `missing block ${h.height - 1n}`);
    const set = await this.chain.validatorSetByHash(prev.block.header.validatorSetHash);
    verifyCommit(this.chain.chainId, set, block.lastCommit, h.height - 1n, prev.hash);
  }

  private async assemble(content: BlockContent, opts: BuildOptions, mode: 'build' | 'verify'): Promise<Candidate> {
    const head = this.chain.head;
    const height = head.height + 1n;
    if (opts.time <= head.time) throw new QuarryError('E_BAD_BLOCK', `block time ${opts.time} is not after the previous block time ${head.time}`);
    const before = await this.chain.activeSet();
    const epoch = epochOf(height, await getChainParams(this.chain.latestState));
    const targets = await getTargets(this.chain.latestState);
    const puzzle = { height, epoch, challenge: await this.chain.challengeFor(epoch), checker: this.services.solutions };
    const evidence = await checkEvidence(this.chain, height, content.evidence, mode);
    const lastCommit = await this.lastCommitContext(opts.lastCommit);
    const handoffs = await checkHandoffs(this.chain, content.handoffs ?? [], mode);
    const beacon = opts.beacon ?? this.signBeacon(opts.proposer, height);
    const ctx = { chainId: this.chain.chainId, height, time: opts.time, proposer: opts.proposer, puzzle, proofs: this.services.proofs, lastCommit, evidence, handoffs, beacon };
    const exec = await executeBlock(this.chain.latestState, ctx, { ...content, evidence: evidence.map((e) => e.evidence) }, mode, opts.full);
    const included = limitBlock(exec, mode);
    const after = await getActiveSet(exec.state);
    const state = await this.chain.state.prepare(head.height, height, exec.state.changes());
    const header: Header = {
      chainId: this.chain.chainId,
      height,
      time: opts.time,
      prevHash: head.hash,
      txRoot: merkleRoot(included.map((t) => t.hash)),
      solutionsRoot: merkleRoot(exec.solutions.map((x) => solutionId(x.body))),
      evidenceRoot: merkleRoot(evidence.map((e) => evidenceId(e.evidence))),
      handoffsRoot: merkleRoot(handoffs.map(handoffId)),
      stateRoot: state.rootHash,
      validatorSetHash: before.set.hash,
      nextValidatorSetHash: after.set.hash,
      epoch,
      coinbaseTarget: targets.coinbaseTarget,
      proofTarget: targets.proofTarget,
      proposer: opts.proposer,
      beacon,
      lastCommitHash: commitHash(opts.lastCommit),
    };
    const block: Block = { header, txs: included.map((t) => t.bytes), solutions: exec.solutions.map((x) => encode(x)), evidence: evidence.map((e) => encode(e.evidence)), handoffs: handoffs.map((h) => encode(h)), lastCommit: opts.lastCommit };
    await this.chain.putValidatorSet(state.batch, after);
    return { block, bytes: encodeBlock(block), hash: headerHash(header), txs: included, solutions: exec.solutions, exec, state };
  }

  private signBeacon(proposer: Uint8Array, height: bigint): Uint8Array {
    const key = this.beaconKeys(proposer);
    if (!key) throw new QuarryError('E_INTERNAL', 'building a block for a proposer whose key this process does not hold (no beacon signature)');
    return signBeacon(this.chain.chainId, height, key);
  }

  /** Who signed the previous block's commit, against that block's validator set. */
  private async lastCommitContext(commit: CommitCertificate | null): Promise<{ members: readonly Validator[]; signed: boolean[] } | null> {
    if (!commit) return null;
    const prev = await this.chain.getBlock(commit.height);
    if (!prev) return null;
    const set = await this.chain.validatorSetByHash(prev.block.header.validatorSetHash);
    return { members: set.validators, signed: set.validators.map((_, i) => bitmapSet(commit.signers, i)) };
  }
}

/**
 * A block whose transaction fails its signature check is invalid, whatever its execution found
 * (executing first only costs the work: nothing of it is kept). Names the signature first.
 */
async function refuseBadSignature(firstBad: Promise<number>): Promise<void> {
  const at = await firstBad;
  if (at >= 0) throw new QuarryError('E_BAD_BLOCK', `block carries a transaction whose signature does not verify (${at + 1} of those this node had not seen)`);
}

/** Enforces block size and weight limits: the builder must have respected them; a block that does not is invalid. */
function limitBlock(exec: ExecResult, mode: 'build' | 'verify'): Tx[] {
  const { maxBlockTxs, maxBlockBytes, maxBlockWeight } = exec.params;
  let bytesUsed = 0n;
  let weight = 0n;
  let count = 0n;
  for (const tx of exec.included) {
    bytesUsed += BigInt(tx.bytes.length);
    weight += txWeight(tx);
    count += 1n;
    if (count > maxBlockTxs || bytesUsed > maxBlockBytes || weight > maxBlockWeight) {
      if (mode === 'verify') throw new QuarryError('E_BAD_BLOCK', 'block exceeds maxBlockTxs, maxBlockBytes or maxBlockWeight');
      throw new QuarryError('E_INTERNAL', 'block builder was given more transactions than fit a block');
    }
  }
  return exec.included;
}
