/**
 * The recursive epoch program (docs/epochs.md §proof), an o1js ZkProgram over Pasta:
 *
 * - `genesis(genesisHash, commitment₀)` outputs {genesisId, epoch 0, commitment₀};
 * - `handoffs(prev, steps)` verifies the previous epoch proof, then up to `batch` handoffs in a row:
 *   for each active step, that its `set` is the set committed to so far, that members holding more
 *   than 2/3 of its power signed (Pallas Schnorr) the handoff message of the next epoch, and moves
 *   to {epoch + 1, next}. It outputs {genesisId, prev.epoch + active steps, the last next}.
 *
 * Batching is how the prover keeps up (docs/epochs.md §keeping up): a step's cost is mostly the
 * recursion (verifying `prev`, the wrap proof), so a prover that has fallen behind proves several
 * epochs for little more than one. Inactive steps are no-ops (their checks are switched off and
 * they move nothing), so one circuit proves 1 … batch epochs and every epoch's handoff is still
 * checked: the proof of epoch k attests the same unbroken chain of handoffs as before.
 *
 * One proof of epoch k therefore attests the whole chain of handoffs from this genesis. The field
 * layout of the set and of the message is `commitment.ts`'s; a program is built per maximum set
 * size (the staking maxValidators), since the set is a fixed-length array in the circuit.
 */
import type { JsonProof } from 'o1js';
import { o1js, decodePallasPublicKey, decodePallasSignature, hashToFields, PALLAS_P } from '../../node/crypto/pallas.ts';
import { withVerifierCache } from './verifier-cache.ts';
import { blsKeyField, GENESIS_TAG, HANDOFF_TAG, handoffMessage, type EpochMember } from './commitment.ts';

export type EpochProofJson = JsonProof;

export interface EpochOutput {
  genesisId: bigint;
  epoch: bigint;
  commitment: bigint;
}

/**
 * Handoffs one recursive step proves at most for sets of `maxSize` slots (docs/epochs.md §keeping
 * up): up to 4 while a batch stays within ≈ 26,000 rows (64 slot-handoffs, ≈ 410 rows each), the
 * size of one 64-slot handoff; 4 for 4–16 slots, 2 for 32, 1 from 64. Part of the circuit, so of
 * the pinned keys.
 */
export function epochBatch(maxSize: number): number {
  return Math.max(1, Math.min(4, Math.floor(64 / maxSize)));
}

export interface HandoffWitness {
  /** Epoch k − 1's members (what `prev` committed to), canonical order. */
  members: readonly EpochMember[];
  /** Signatures by member index; more than 2/3 of the power must be present. */
  signatures: ReadonlyMap<number, Uint8Array>;
  /** Commitment of epoch k's set. */
  next: bigint;
  boundary: { headerHash: Uint8Array; stateRoot: Uint8Array };
}

export interface VerificationKey {
  data: string;
  hash: string;
}

export function epochOutput(proof: EpochProofJson): EpochOutput {
  const [genesisId, epoch, commitment] = proof.publicOutput.map((f) => BigInt(f));
  if (genesisId === undefined || epoch === undefined || commitment === undefined || proof.publicOutput.length !== 3) throw new Error('not an epoch proof: its output has the wrong shape');
  for (const f of [genesisId, epoch, commitment]) if (f >= PALLAS_P) throw new Error('not an epoch proof: output out of range');
  return { genesisId, epoch, commitment };
}

/** Builds the program for sets of at most `maxSize` members (no compilation yet). */
export async function epochProgram(maxSize: number, batch = epochBatch(maxSize)) {
  const { Field, Poseidon, PublicKey, Signature, ZkProgram, Struct, SelfProof, Provable, Bool, UInt64, PrivateKey } = await o1js();
  class Member extends Struct({ key: PublicKey, power: UInt64, bls: Field }) {}
  class EpochSet extends Struct({ members: Provable.Array(Member, maxSize) }) {}
  class EpochState extends Struct({ genesisId: Field, epoch: Field, commitment: Field }) {}
  class Boundary extends Struct({ headerHi: Field, headerLo: Field, rootHi: Field, rootLo: Field }) {}
  class Signed extends Struct({ bits: Provable.Array(Bool, maxSize) }) {}
  class Signatures extends Struct({ list: Provable.Array(Signature, maxSize) }) {}
  class Step extends Struct({ active: Bool, set: EpochSet, signed: Signed, sigs: Signatures, next: Field, boundary: Boundary }) {}
  class Steps extends Struct({ list: Provable.Array(Step, batch) }) {}
  type PrevProof = InstanceType<typeof SelfProof<undefined, EpochState>>;
  type FieldT = InstanceType<typeof Field>;

  const commit = (s: EpochSet) => Poseidon.hash(s.members.flatMap((m) => [...m.key.toFields(), m.power.value, m.bls]));

  const program = ZkProgram({
    name: `quarry-epoch-${maxSize}`,
    publicOutput: EpochState,
    methods: {
      genesis: {
        privateInputs: [Field, Field, Field],
        async method(hashHi: FieldT, hashLo: FieldT, commitment: FieldT) {
          const genesisId = Poseidon.hash([Field(GENESIS_TAG), hashHi, hashLo, commitment]);
          return { publicOutput: new EpochState({ genesisId, epoch: Field(0), commitment }) };
        },
      },
      handoffs: {
        privateInputs: [SelfProof, Steps],
        async method(prev: PrevProof, steps: Steps) {
          prev.verify();
          const { genesisId } = prev.publicOutput;
          let { epoch, commitment } = prev.publicOutput;
          steps.list[0]!.active.assertTrue('a step proves at least one handoff');
          for (const step of steps.list) {
            const { active, set, signed, sigs, next, boundary: b } = step;
            active.implies(commit(set).equals(commitment)).assertTrue('the signing set is not the set the previous epoch committed to');
            const nextEpoch = epoch.add(1);
            const message = [Field(HANDOFF_TAG), genesisId, nextEpoch, next, b.headerHi, b.headerLo, b.rootHi, b.rootLo];
            let total = Field(0);
            let signedPower = Field(0);
            for (let i = 0; i < maxSize; i++) {
              const m = set.members[i]!;
              total = total.add(m.power.value);
              active.and(signed.bits[i]!).implies(sigs.list[i]!.verify(m.key, message)).assertTrue('a counted signature does not verify');
              signedPower = signedPower.add(Provable.if(signed.bits[i]!, m.power.value, Field(0)));
            }
            active.implies(signedPower.mul(3).greaterThan(total.mul(2))).assertTrue('the signers hold no more than 2/3 of the power');
            epoch = Provable.if(active, nextEpoch, epoch);
            commitment = Provable.if(active, next, commitment);
          }
          return { publicOutput: new EpochState({ genesisId, epoch, commitment }) };
        },
      },
    },
  });
  const EpochProof = ZkProgram.Proof(program);

  async function witnessSet(members: readonly EpochMember[]): Promise<EpochSet> {
    const pad = new Member({ key: PrivateKey.fromBigInt(1n).toPublicKey(), power: UInt64.from(0), bls: Field(0) });
    const out: Member[] = [];
    for (const m of members) {
      const key = await decodePallasPublicKey(m.pallasPubKey);
      if (!key) throw new Error('a member has an invalid Pallas key');
      out.push(new Member({ key, power: UInt64.from(m.power), bls: Field(blsKeyField(m.blsPubKey)) }));
    }
    while (out.length < maxSize) out.push(pad);
    return new EpochSet({ members: out });
  }

  const filler = (message: FieldT[]) => Signature.create(PrivateKey.fromBigInt(1n), message);
  const zeroBoundary = () => new Boundary({ headerHi: Field(0), headerLo: Field(0), rootHi: Field(0), rootLo: Field(0) });

  async function activeStep(w: HandoffWitness, genesisId: bigint, epoch: bigint): Promise<Step> {
    if (w.members.length > maxSize) throw new Error(`set of ${w.members.length} exceeds the program's ${maxSize} slots`);
    const [headerHi, headerLo] = hashToFields(w.boundary.headerHash);
    const [rootHi, rootLo] = hashToFields(w.boundary.stateRoot);
    const message = handoffMessage({ genesisId, epoch, commitment: w.next, ...w.boundary }).map((f) => Field(f));
    const list: InstanceType<typeof Signature>[] = [];
    const bits: InstanceType<typeof Bool>[] = [];
    for (let i = 0; i < maxSize; i++) {
      const raw = w.signatures.get(i);
      const sig = raw ? await decodePallasSignature(raw) : null;
      list.push(sig ?? filler(message));
      bits.push(Bool(sig !== null && i < w.members.length));
    }
    const boundary = new Boundary({ headerHi: Field(headerHi), headerLo: Field(headerLo), rootHi: Field(rootHi), rootLo: Field(rootLo) });
    return new Step({ active: Bool(true), set: await witnessSet(w.members), signed: new Signed({ bits }), sigs: new Signatures({ list }), next: Field(w.next), boundary });
  }

  /** A no-op step filling the batch: inactive, so none of its checks apply and it moves nothing. */
  async function idleStep(): Promise<Step> {
    const sig = filler([Field(0)]);
    return new Step({
      active: Bool(false),
      set: await witnessSet([]),
      signed: new Signed({ bits: Array.from({ length: maxSize }, () => Bool(false)) }),
      sigs: new Signatures({ list: Array.from({ length: maxSize }, () => sig) }),
      next: Field(0),
      boundary: zeroBoundary(),
    });
  }

  return {
    maxSize,
    batch,
    program,
    async compile(cacheDir?: string): Promise<VerificationKey> {
      const { Cache } = await o1js();
      const { verificationKey } = await program.compile(cacheDir ? { cache: Cache.FileSystem(cacheDir) } : {});
      return { data: verificationKey.data, hash: verificationKey.hash.toString() };
    },
    async rows(): Promise<number> {
      return (await program.analyzeMethods()).handoffs.rows;
    },
    async proveGenesis(genesisHash: Uint8Array, commitment: bigint): Promise<EpochProofJson> {
      const [hi, lo] = hashToFields(genesisHash);
      return (await program.genesis(Field(hi), Field(lo), Field(commitment))).proof.toJSON();
    },
    /**
     * One recursive step over `witnesses` (1 … batch handoffs in a row, epoch prev+1 onwards):
     * each witness's members are the set the one before committed to.
     */
    async proveHandoffs(prevJson: EpochProofJson, witnesses: readonly HandoffWitness[]): Promise<EpochProofJson> {
      if (witnesses.length < 1 || witnesses.length > batch) throw new Error(`a step proves 1 to ${batch} handoffs, not ${witnesses.length}`);
      const prev = await EpochProof.fromJSON(prevJson);
      const { genesisId } = epochOutput(prevJson);
      let epoch = epochOutput(prevJson).epoch;
      const list: Step[] = [];
      for (const w of witnesses) list.push(await activeStep(w, genesisId, (epoch += 1n)));
      while (list.length < batch) list.push(await idleStep());
      const { proof } = await program.handoffs(prev, new Steps({ list }));
      return proof.toJSON();
    },
  };
}

export type EpochProgram = Awaited<ReturnType<typeof epochProgram>>;

/**
 * Checks an epoch proof against a verification key; no compilation needed. The first check in a
 * process builds the Pasta SRS and Lagrange bases (≈ 1 min here) unless `cacheDir` holds them:
 * with a cache directory they are read from it, or computed once and written to it (≈ 2–3 s after).
 */
export async function verifyEpochProof(proof: EpochProofJson, vk: VerificationKey, cacheDir?: string): Promise<boolean> {
  return (await epochProofFault(proof, vk, cacheDir)) === null;
}

/**
 * Why an epoch proof does not verify, or null when it does: `key` when the key's data is not the
 * key its hash names, checked first — o1js verifies against the data alone, so a verifier that pins
 * the hash would otherwise let any circuit's key, sent beside the pinned hash, make that circuit's
 * proofs (of any output) pass as epoch proofs — else `proof`.
 */
export async function epochProofFault(proof: EpochProofJson, vk: VerificationKey, cacheDir?: string): Promise<'key' | 'proof' | null> {
  const { verify, VerificationKey, Field } = await o1js();
  try {
    return await withVerifierCache(cacheDir, async () => {
      if (!(await VerificationKey.checkValidity(new VerificationKey({ data: vk.data, hash: Field(vk.hash) })))) return 'key';
      return (await verify(proof, vk.data)) ? null : 'proof';
    });
  } catch {
    return 'proof';
  }
}
