/** `quarry query account|block|tx|validators|delegations` (and `market …`): read chain state through a node's RPC. */
import type { Command } from 'commander';
import { RpcClient } from '../../client/rpc.ts';
import type { AccountProofJson } from '../../client/account-proof.ts';
import { formatAmount } from '../../client/amount.ts';
import type { StakingValidator } from '../../protocol/rpc-types.ts';
import { QuarryError } from '../../protocol/errors.ts';
import { action, addressBytes, listIn, printJson, withRpc } from './util.ts';
import { percent, qry, table } from './table.ts';
import { registerMarketQuery } from './market-query.ts';

function validatorsTable(vs: StakingValidator[]): string {
  if (vs.length === 0) return 'no validators\n';
  const status = (v: StakingValidator) => (v.tombstoned ? 'tombstoned' : v.jailed ? 'jailed' : v.active ? 'active' : 'inactive');
  const rows = vs.map((v) => [v.moniker || '-', status(v), v.votingPower, qry(v.tokens), percent(v.commissionPpm), v.missedBlocks, String(v.delegators), v.operator]);
  return table(['MONIKER', 'STATUS', 'POWER', 'STAKE (QRY)', 'COMMISSION', 'MISSED', 'DELEGATORS', 'OPERATOR'], rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right']);
}

export function registerQuery(query: Command): void {
  const rpcOf = (o: { rpc: string }) => new RpcClient(o.rpc);
  registerMarketQuery(query);

  withRpc(query.command('account <address>'))
    .description('balance and sequence of an account; --prove verifies an SMT proof against the block header')
    .option('--prove', 'fetch and verify a Merkle proof')
    .option('--height <h>', 'query at this height (default: latest)')
    .option('--json', 'print the raw JSON answer')
    .action(
      action(async (address: string, opts: { rpc: string; prove?: boolean; height?: string; json?: boolean }) => {
        await addressBytes(address); // a wrong prefix or checksum is named here, before any request
        const qs = new URLSearchParams();
        if (opts.prove) qs.set('prove', 'true');
        if (opts.height) qs.set('height', opts.height);
        const a = await rpcOf(opts).get<AccountProofJson>(`/accounts/${encodeURIComponent(address)}${qs.size ? '?' + qs : ''}`);
        const verdict = opts.prove ? (await import('../../client/account-proof.ts')).verifyAccountProof(a) : null;
        if (opts.json) printJson(verdict ? { ...a, verified: verdict } : a);
        else {
          process.stdout.write(`${a.address}\n  height    ${a.height}\n  balance   ${formatAmount(a.balance)} (${a.balance} uqry)\n  sequence  ${a.sequence}\n`);
          if (verdict) process.stdout.write(verdict.ok ? `  proof     verified against stateRoot ${verdict.stateRoot}\n` : `  proof     INVALID: ${verdict.reason}\n`);
        }
        if (verdict && !verdict.ok) throw new QuarryError('E_BAD_REQUEST', `proof does not verify: ${verdict.reason}`);
      }),
    );

  withRpc(query.command('block [height]'))
    .description('a block by height (default: latest)')
    .action(action(async (height: string | undefined, opts: { rpc: string }) => printJson(await rpcOf(opts).get(`/blocks/${height ?? 'latest'}`))));

  withRpc(query.command('validators'))
    .description('every validator: stake, voting power, commission, jailed/tombstoned, missed blocks')
    .option('--json', "print the node's JSON answer")
    .action(
      action(async (opts: { rpc: string; json?: boolean }) => {
        const answer = await rpcOf(opts).get<unknown>('/staking/validators');
        if (opts.json) printJson(answer);
        else process.stdout.write(validatorsTable(listIn<StakingValidator>(answer, 'validators', opts.rpc)));
      }),
    );

  withRpc(query.command('delegations <address>'))
    .description("an address's delegations with pending rewards")
    .action(
      action(async (address: string, opts: { rpc: string }) => {
        await addressBytes(address);
        printJson(await rpcOf(opts).get(`/staking/delegations/${encodeURIComponent(address)}`));
      }),
    );

  withRpc(query.command('tx <hash>'))
    .description('a transaction and its result')
    .action(action(async (hash: string, opts: { rpc: string }) => printJson(await rpcOf(opts).get(`/txs/${hash}`))));
}
