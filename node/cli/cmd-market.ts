/** `quarry tx market …`: proof-market transactions from the command line (docs/market.md); the queries are in market-query.ts. */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { parseAmount } from '../../client/amount.ts';
import { RpcClient } from '../../client/rpc.ts';
import type { InputValue } from '../../client/market.ts';
import type { SealedInputs } from '../../client/sealer.ts';
import type { SigningQuarryClient } from '../../client/signing-client.ts';
import type { VerificationKeyJson } from '../../protocol/verification-key.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { QuarryError } from '../../protocol/errors.ts';

import { action, addressBytes, count, homeOf, printJson } from './util.ts';
import { commissionPpm, signAndSend, txCommand, type TxFlags } from './tx-common.ts';

const hex32 = (s: string, what: string) => {
  if (!/^[0-9a-f]{64}$/i.test(s)) throw new QuarryError('E_BAD_REQUEST', `${what} must be 64 hex characters`);
  return fromHex(s.toLowerCase());
};

/** A circuit given by id or by registered name. */
export async function resolveCircuit(rpc: RpcClient, circuit: string): Promise<string> {
  if (/^[0-9a-f]{64}$/i.test(circuit)) return circuit.toLowerCase();
  const { circuits } = await rpc.get<{ circuits: Array<{ id: string; name: string }> }>('/market/circuits');
  const found = circuits.filter((c) => c.name === circuit);
  if (found.length !== 1) throw new QuarryError('E_NOT_FOUND', found.length ? `several circuits are named "${circuit}": use the id` : `no circuit named "${circuit}" (quarry query market circuits)`);
  return found[0]!.id;
}

function parseInputs(text: string): Record<string, InputValue> {
  const raw = text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new QuarryError('E_BAD_REQUEST', '--inputs must be a JSON object (or @file.json)');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new QuarryError('E_BAD_REQUEST', '--inputs must be a JSON object of signal name → value(s)');
  return v as Record<string, InputValue>;
}

/** The least collateral per proof the chain accepts at `price` (docs/market.md §provers). */
async function minimumCollateral(rpc: RpcClient, price: bigint): Promise<bigint> {
  const [{ market }, { lockCollateral }] = await Promise.all([rpc.get<{ market: { minCollateralPpm: string; minLockCollateral: string } }>('/params'), import('../modules/market/economics.ts')]);
  return lockCollateral({ minCollateralPpm: BigInt(market.minCollateralPpm), minLockCollateral: BigInt(market.minLockCollateral) }, 0n, price);
}

export function registerMarketTx(tx: Command): void {
  const market = tx.command('market').description('proof-market transactions');

  txCommand(market, 'register-circuit')
    .description('upload a circuit\'s wasm and zkey to the node and register it on chain')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--wasm <file>', 'witness generator (circom --wasm)')
    .requiredOption('--zkey <file>', 'final proving key')
    .requiredOption('--vkey <file>', 'verification key JSON (snarkjs zkey export verificationkey)')
    .option('--outputs <n>', 'number of circuit outputs (they come first among the public signals)', '0')
    .option('--public <names>', 'comma-separated public input names, in declaration order', '')
    .action(
      action(async (f: TxFlags & { name: string; wasm: string; zkey: string; vkey: string; outputs: string; public: string }, cmd: Command) => {
        const rpc = new RpcClient(f.rpc, 120_000);
        const upload = async (file: string) => (await rpc.putBytes<{ hash: string }>('/artifacts', readFileSync(file))).hash;
        const [wasmHash, zkeyHash] = [await upload(f.wasm), await upload(f.zkey)];
        const { canonicalVk } = await import('../../protocol/verification-key.ts');
        const vk = canonicalVk(JSON.parse(readFileSync(f.vkey, 'utf8')) as VerificationKeyJson);
        const publicInputs = f.public ? f.public.split(',').map((s) => s.trim()) : [];
        await signAndSend(cmd, f, [{ type: 'market/register-circuit', name: f.name, vk, wasmHash: fromHex(wasmHash), zkeyHash: fromHex(zkeyHash), nOutputs: Number(count(f.outputs, '--outputs')), publicInputs }]);
      }),
    );

  for (const [name, help] of [
    ['bond', 'post prover collateral'],
    ['unbond', 'withdraw prover collateral (after the unbonding delay)'],
  ] as const) {
    txCommand(market, name)
      .description(help)
      .requiredOption('--amount <amount>', 'amount, e.g. 100qry')
      .action(action(async (f: TxFlags & { amount: string }, cmd: Command) => signAndSend(cmd, f, [{ type: `market/${name}`, amount: parseAmount(f.amount) }])));
  }

  txCommand(market, 'edit-prover')
    .description('open your prover to delegation or change its commission (a raise takes effect after the bond unbonding delay)')
    .requiredOption('--commission <percent>', "commission on the delegators' part of your pay")
    .action(action(async (f: TxFlags & { commission: string }, cmd: Command) => signAndSend(cmd, f, [{ type: 'market/edit-prover', commissionPpm: commissionPpm(f.commission) }])));

  for (const [name, help] of [
    ['delegate-prover', 'put QRY behind a prover: it backs its locks, earns a share of its pay, takes a share of its slashes'],
    ['undelegate-prover', 'take delegated QRY back (only what backs no open lock; returned after the unbonding delay)'],
  ] as const) {
    txCommand(market, name)
      .description(help)
      .requiredOption('--prover <qry1…>', 'prover address')
      .requiredOption('--amount <amount>', 'amount, e.g. 100qry')
      .action(action(async (f: TxFlags & { prover: string; amount: string }, cmd: Command) => signAndSend(cmd, f, [{ type: `market/${name}`, prover: await addressBytes(f.prover), amount: parseAmount(f.amount) }])));
  }

  txCommand(market, 'claim-prover-rewards')
    .description("withdraw your share of a prover's pay")
    .requiredOption('--prover <qry1…>', 'prover address')
    .action(action(async (f: TxFlags & { prover: string }, cmd: Command) => signAndSend(cmd, f, [{ type: 'market/claim-prover-rewards', prover: await addressBytes(f.prover) }])));

  txCommand(market, 'ask')
    .description('offer to prove a circuit at a price (capacity 0 withdraws the ask)')
    .requiredOption('--circuit <id|name>', 'circuit')
    .requiredOption('--price <amount>', 'price per proof')
    .option('--turnaround <blocks>', 'most blocks you need per proof', '20')
    .option('--capacity <n>', 'most requests locked to you at once', '4')
    .action(
      action(async (f: TxFlags & { circuit: string; price: string; turnaround: string; capacity: string }, cmd: Command) => {
        const circuitId = fromHex(await resolveCircuit(new RpcClient(f.rpc), f.circuit));
        await signAndSend(cmd, f, [{ type: 'market/ask', circuitId, price: parseAmount(f.price), maxTurnaround: count(f.turnaround, '--turnaround'), capacity: count(f.capacity, '--capacity') }]);
      }),
    );

  txCommand(market, 'request')
    .description('post a proof request with escrow; --wait-proof prints the proof once delivered')
    .requiredOption('--circuit <id|name>', 'circuit')
    .requiredOption('--inputs <json|@file>', 'every input signal, e.g. \'{"preimage":"5","hash":"…"}\' (the public ones only with --private-inputs)')
    .option('--private-inputs <json|@file>', 'sealed inputs: kept off chain and encrypted to the prover that locks the request (needs --wait-proof: the CLI seals while it waits)')
    .requiredOption('--max-price <amount>', 'most you pay (the auction ends here)')
    .option('--min-price <amount>', 'auction start price (default: half of --max-price)')
    .option('--ramp <blocks>', 'blocks for the price to climb from min to max', '10')
    .option('--lock-blocks <n>', 'blocks a locking prover has to deliver', '10')
    .option('--deadline <blocks>', 'blocks until the request expires and refunds', '100')
    .option('--collateral <amount>', 'prover collateral a lock puts at stake (default: --max-price)')
    .option('--min-reputation <percent>', 'lowest prover reputation accepted', '0')
    .option('--reservation <id>', 'fill from a capacity reservation instead of the open market')
    .option('--mode <book|stake|race>', 'book: the cheapest ask, else the auction; stake: one asking prover drawn by stake, paid --max-price; race: bonded provers race, the first --winners valid proofs share --max-price', 'book')
    .option('--winners <n>', 'race: how many valid proofs share the price', '1')
    .option('--wait-proof', 'wait for the proof and print it')
    .action(
      action(async (f: TxFlags & Record<'circuit' | 'inputs' | 'maxPrice' | 'ramp' | 'lockBlocks' | 'deadline' | 'minReputation' | 'mode' | 'winners', string> & Partial<Record<'minPrice' | 'collateral' | 'reservation' | 'privateInputs', string>> & { waitProof?: boolean }, cmd: Command) => {
        if (f.mode !== 'book' && f.mode !== 'stake' && f.mode !== 'race') throw new QuarryError('E_BAD_REQUEST', '--mode is book, stake or race');
        if (f.privateInputs && !f.waitProof) throw new QuarryError('E_BAD_REQUEST', '--private-inputs needs --wait-proof: the CLI seals them to the locked prover while it waits');
        const [{ requestProofMsg, waitForProof }, { requestId }, { prepareSealed }] = await Promise.all([import('../../client/market.ts'), import('../../protocol/messages/market.ts'), import('../../client/sealer.ts')]);
        const secret = f.privateInputs ? prepareSealed(parseInputs(f.privateInputs)) : null;
        const rpc = new RpcClient(f.rpc);
        const maxPrice = parseAmount(f.maxPrice);
        const m = requestProofMsg({
          circuitId: await resolveCircuit(rpc, f.circuit),
          inputs: parseInputs(f.inputs),
          maxPrice,
          minPrice: f.minPrice ? parseAmount(f.minPrice) : undefined,
          rampBlocks: count(f.ramp, '--ramp'),
          lockBlocks: count(f.lockBlocks, '--lock-blocks'),
          deadlineBlocks: count(f.deadline, '--deadline'),
          collateral: f.collateral ? parseAmount(f.collateral) : undefined,
          minReputationPpm: BigInt(Math.round(Number(f.minReputation) * 10_000)),
          reservation: f.reservation ? toHex(hex32(f.reservation, '--reservation')) : undefined,
          mode: f.mode,
          winners: count(f.winners, '--winners'),
          sealed: secret?.commitment,
        });
        const hash = await signAndSend(cmd, f, [m]);
        const id = toHex(requestId(fromHex(hash), 0));
        process.stderr.write(`request ${id}\n`);
        const sealing = secret && (await sealWhileWaiting(cmd, f, id, secret));
        try {
          if (f.waitProof) printJson(await waitForProof(rpc, id, 30 * 60_000));
        } finally {
          sealing?.disconnect();
        }
      }),
    );

  for (const [name, help] of [
    ['cancel', 'cancel your unlocked request (escrow refunded)'],
    ['lock', 'lock a request to yourself at its current auction price (puts collateral at stake)'],
    ['decline', 'give back a lock within its accept window, unslashed, when the inputs have no witness'],
  ] as const) {
    txCommand(market, name)
      .description(help)
      .requiredOption('--request <id>', 'request id')
      .action(action(async (f: TxFlags & { request: string }, cmd: Command) => signAndSend(cmd, f, [{ type: `market/${name}`, requestId: hex32(f.request, '--request') }])));
  }

  txCommand(market, 'offer')
    .description('sell future proving capacity: count proofs at a fixed price within a window')
    .requiredOption('--circuit <id|name>', 'circuit')
    .requiredOption('--count <n>', 'proofs on offer')
    .requiredOption('--price <amount>', 'price per proof')
    .option('--turnaround <blocks>', 'blocks per proof once requested', '20')
    .option('--end <blocks>', 'blocks the offer stays valid', '1000')
    .option('--collateral-per-proof <amount>', 'collateral bonded per reserved proof (default: the protocol minimum for the price)')
    .action(
      action(async (f: TxFlags & Record<'circuit' | 'count' | 'price' | 'turnaround' | 'end', string> & { collateralPerProof?: string }, cmd: Command) => {
        const rpc = new RpcClient(f.rpc);
        const circuitId = fromHex(await resolveCircuit(rpc, f.circuit));
        const price = parseAmount(f.price);
        const collateralPerProof = f.collateralPerProof ? parseAmount(f.collateralPerProof) : await minimumCollateral(rpc, price);
        await signAndSend(cmd, f, [
          { type: 'market/offer-capacity', circuitId, count: count(f.count, '--count'), price, turnaround: count(f.turnaround, '--turnaround'), endBlocks: count(f.end, '--end'), collateralPerProof },
        ]);
      }),
    );

  txCommand(market, 'reserve')
    .description('buy proofs from a capacity offer up front (escrowed)')
    .requiredOption('--offer <id>', 'offer id')
    .requiredOption('--count <n>', 'proofs to reserve')
    .action(action(async (f: TxFlags & { offer: string; count: string }, cmd: Command) => signAndSend(cmd, f, [{ type: 'market/reserve', offerId: hex32(f.offer, '--offer'), count: count(f.count, '--count') }])));
}

/** Seals a request's private inputs to each prover that locks it (client/sealer.ts), logging each seal. */
async function sealWhileWaiting(cmd: Command, f: TxFlags, id: string, secret: SealedInputs): Promise<SigningQuarryClient> {
  const [{ SigningQuarryClient: Client }, { loadAccountKey }] = await Promise.all([import('../../client/signing-client.ts'), import('../crypto/keyfile.ts')]);
  const client = await Client.connectWithSigner(f.rpc, loadAccountKey(homeOf(cmd), f.from));
  client.keepSealed(id, secret, {
    onSeal: (prover) => process.stderr.write(`sealed the private inputs to ${prover}\n`),
    onError: (err) => process.stderr.write(`sealing: ${(err as Error).message} (retrying)\n`),
  });
  return client;
}
