/**
 * Account queries, optionally with an SMT proof and the header whose stateRoot it is rooted in;
 * and any state record with its SMT proof (`/state-proofs?ns=&id=&height=`), which light clients
 * check against a header they verified (docs/epochs.md §daemon).
 */
import type { FastifyInstance } from 'fastify';
import type { NodeServices } from '../../services/services.ts';
import { QuarryError } from '../../../protocol/errors.ts';
import { decodeAddress } from '../../../protocol/crypto/address.ts';
import { fromHex, toHex } from '../../../protocol/encoding/bytes.ts';
import { accounts, getAccount } from '../../modules/bank/account.ts';
import { headerJson, toJson } from '../json.ts';
import { stateKey } from '../../state/record.ts';
import { flagParam, heightParam } from '../params.ts';

export function accountRoutes(app: FastifyInstance, node: NodeServices): void {
  const { chain } = node;
  app.get<{ Params: { address: string }; Querystring: { prove?: string; height?: string } }>('/accounts/:address', async (req) => {
    const address = decodeAddress(req.params.address);
    const head = chain.head.height;
    const height = req.query.height === undefined ? head : heightParam(req.query.height, 'height');
    if (height > head) throw new QuarryError('E_NOT_FOUND', `height ${height} is above the head ${head}`);
    const key = accounts.key(address);
    const raw = await chain.state.getAt(height, key);
    const acct = await getAccount({ get: async () => raw }, address);
    const body: Record<string, unknown> = { address: req.params.address, height: height.toString(), balance: acct.balance.toString(), sequence: acct.sequence.toString() };
    if (flagParam(req.query.prove, 'prove')) {
      body.proof = await proofOf(height, key, raw);
      if (height === 0n) body.genesis = { hash: toHex(chain.genesisHash), stateRoot: toHex(await chain.state.rootHashAt(0n)) };
      else {
        const found = await chain.getBlock(height);
        if (!found) throw new QuarryError('E_NOT_FOUND', `no block at height ${height}`);
        body.header = headerJson(found.block.header, found.hash);
        body.commit = toJson(await chain.getCommit(height));
      }
    }
    return body;
  });

  const proofOf = async (height: bigint, key: Uint8Array, raw: Uint8Array | undefined) => ({ key: toHex(key), value: raw ? toHex(raw) : null, ...(toJson(await chain.state.prove(height, key)) as object) });

  app.get<{ Querystring: { ns?: string; id?: string; height?: string } }>('/state-proofs', async (req) => {
    const { ns, id } = req.query;
    if (typeof ns !== 'string' || !/^[a-z][a-z0-9/-]{0,63}$/.test(ns)) throw new QuarryError('E_BAD_REQUEST', 'ns must be a state namespace such as market/request');
    if (typeof id !== 'string' || !/^([0-9a-f]{2}){0,64}$/.test(id)) throw new QuarryError('E_BAD_REQUEST', 'id must be hex, at most 64 bytes');
    const head = chain.head.height;
    const height = req.query.height === undefined ? head : heightParam(req.query.height, 'height');
    if (height > head) throw new QuarryError('E_NOT_FOUND', `height ${height} is above the head ${head}`);
    const key = stateKey(ns, fromHex(id));
    return { ns, id, height: height.toString(), proof: await proofOf(height, key, await chain.state.getAt(height, key)) };
  });
}
