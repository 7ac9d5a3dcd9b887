/**
 * The validator role follows the active set (docs/consensus.md §validator role): a validator
 * jailed for downtime and restarted while jailed runs as a full node; once it unjails and the next
 * epoch brings it back into the set, the same running node starts signing, with no restart.
 * Two real in-process nodes over libp2p, real BLS and ed25519 signatures.
 */
import type { AnyMsg } from '../../protocol/messages/index.ts';
import { test } from 'node:test';
import { makeGenesis, makeTx, deterministicUser, USER_BALANCE } from '../helpers/chain.ts';
import { startTestNode } from '../helpers/node.ts';
import { until } from '../helpers/devnet.ts';
import { addAccount, addValidator, devnetValidatorKey } from '../../genesis/builder.ts';
import { validatorRegistration } from '../../node/crypto/keyfile.ts';
import { decodeAddress } from '../../protocol/crypto/address.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';
import { bitmapSet } from '../../consensus/commit.ts';
import { DEFAULT_CONFIG } from '../../node/config.ts';

interface ValidatorJson {
  operator: string;
  active: boolean;
  jailed: boolean;
  jailedUntil: string;
}

async function get<T>(url: string, path: string): Promise<T> {
  return (await (await fetch(url + path)).json()) as T;
}

test('a validator restarted while jailed starts signing once it is back in the set', { timeout: 240_000 }, async () => {
  const keyA = devnetValidatorKey(0);
  const keyB = devnetValidatorKey(1);
  const operatorB = deterministicUser(2000);
  const staking = { downtimeWindow: 10n, downtimeMaxMissed: 5n, downtimeJailBlocks: 5n };
  let genesis = await makeGenesis([deterministicUser(0)], deterministicUser(1000), keyA, { epochLength: 5n }, {}, staking);
  genesis = addValidator(addAccount(genesis, operatorB.address, USER_BALANCE), operatorB.address, await validatorRegistration(keyB, decodeAddress(operatorB.address)), 20n);
  const config = (peers: string[]) => ({ consensus: { ...DEFAULT_CONFIG.consensus, blockTimeMs: 300 }, p2p: { ...DEFAULT_CONFIG.p2p, listen: ['/ip4/127.0.0.1/tcp/0'], peers } });
  const a = await startTestNode(genesis, keyA, config([]));
  let b: Awaited<ReturnType<typeof startTestNode>> | null = null;
  try {
    const urlA = a.node.rpc!.url;
    const validatorB = async () => (await get<{ validators: ValidatorJson[] }>(urlA, '/staking/validators')).validators.find((v) => v.operator === operatorB.address)!;
    // B never ran: jailed for downtime, and out of the set from the next epoch
    await until('B jailed and out of the set', async () => {
      const v = await validatorB();
      return v.jailed && !v.active;
    }, 60_000);

    b = await startTestNode(genesis, keyB, config([a.node.network!.multiaddrs()[0]!]));
    const urlB = b.node.rpc!.url;
    // from genesis B is in the set; synced past its jailing, it must follow as a full node
    const heightA = BigInt((await get<{ height: string }>(urlA, '/status')).height);
    await until('B synced and following as a full node', async () => {
      const st = await get<{ height: string; validator: boolean }>(urlB, '/status');
      return BigInt(st.height) >= heightA && !st.validator;
    }, 60_000);

    // unjail once the jail time is over (earlier attempts fail on chain and only cost the fee)
    let sequence = 0n;
    await until('B unjailed', async () => {
      const v = await validatorB();
      if (!v.jailed) return true;
      const height = BigInt((await get<{ height: string }>(urlA, '/status')).height);
      if (height < BigInt(v.jailedUntil)) return false;
      const tx = makeTx(operatorB, [{ type: 'staking/unjail' } as AnyMsg], { sequence });
      const res = await fetch(`${urlA}/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(tx) }) });
      if (res.status === 202) sequence += 1n;
      return false;
    }, 60_000);
    await until('B back in the active set', async () => (await validatorB()).active, 60_000);
    await until('B validating without a restart', async () => (await get<{ validator: boolean }>(urlB, '/status')).validator, 30_000);

    // and its precommits reach blocks
    const { set } = await a.node.services.chain.activeSet();
    const indexB = set.validators.findIndex((v) => Buffer.compare(v.blsPubKey, keyB.blsPublicKey) === 0);
    const from = BigInt((await get<{ height: string }>(urlA, '/status')).height);
    await until("a block carrying B's precommit", async () => {
      const head = BigInt((await get<{ height: string }>(urlA, '/status')).height);
      for (let h = from + 1n; h <= head; h++) {
        const block = await get<{ lastCommit: { signers: string } | null }>(urlA, `/blocks/${h}`);
        if (block.lastCommit && bitmapSet(fromHex(block.lastCommit.signers), indexB)) return true;
      }
      return false;
    }, 60_000);
  } finally {
    await b?.stop();
    await a.stop();
  }
});
