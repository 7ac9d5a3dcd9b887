/**
 * The verified explorer (docs/explorer.md): the light daemon's core (light/daemon.ts) running in
 * the page. It verifies the newest epoch proof from the genesis file, then follows the chain,
 * checking each new header's commit against the proven set, and answers lookups with the same
 * verified answers as `quarry light serve` (light/answers.ts). Every value shown is marked
 * verified from genesis or, with the failed check's code, not.
 *
 * Query parameters: `rpc` (default: the node serving the page), `source` (more RPC endpoints,
 * repeatable), `genesis` (URL of the genesis file; default the serving node's), `vk` (the epoch
 * program's key hash; default the pinned one for the genesis's set size).
 */
import { genesisHash, parseGenesis, type GenesisJson } from '../node/genesis.ts';
import { LightClient } from '../light/light-client.ts';
import { LightDaemon, type Head } from '../light/daemon.ts';
import { accountAnswer, marketRequestAnswer, txAnswer, validatorsAnswer } from '../light/answers.ts';
import { PINNED_EPOCH_VK_HASHES } from '../consensus/epoch/verification-keys.ts';
import { toHex } from '../protocol/encoding/bytes.ts';
import { formatAmount } from '../client/amount.ts';
import { RpcClient } from '../client/rpc.ts';
import { $, badge, failure, row, rows, text, verifiedBadge } from './view.ts';
import { installVerifierCache } from './browser/verifier-cache.ts';
import { o1js } from '../node/crypto/pallas.ts';

const SHOWN_BLOCKS = 15;
const SHOWN_REQUESTS = 5;
const PROOF_RETRY_MS = 10_000;

const params = new URLSearchParams(location.search);
const rpcUrl = params.get('rpc') ?? location.origin;

/** What the page measured, for people and for the browser test. */
const figures: { firstVerifiedMs: number | null; coldStartMs: number | null; phases: Array<{ at: number; msg: string }> } = { firstVerifiedMs: null, coldStartMs: null, phases: [] };
(window as unknown as { quarryExplorer: typeof figures }).quarryExplorer = figures;

function progress(msg: string, fields?: Record<string, unknown>): void {
  const at = Math.round(performance.now());
  figures.phases.push({ at, msg });
  const li = document.createElement('li');
  li.textContent = `${(at / 1000).toFixed(1)} s — ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}`;
  $('progress').append(li);
}

/** The cold start's verdict beside the "Verification" heading. */
function showState(el: HTMLElement): void {
  el.id = 'state';
  el.dataset.testid = 'state';
  $('state').replaceWith(el);
}

async function loadGenesis() {
  const url = params.get('genesis') ?? '/explorer/genesis.json';
  const res = await fetch(url);
  if (!res.ok) throw new Error(`genesis file ${url}: HTTP ${res.status}`);
  return parseGenesis((await res.json()) as GenesisJson);
}

function showHead(h: Head): void {
  rows($('summary'), [
    ['verified height', text(h.height.toString(), 'height')],
    ['proven epoch', text(h.epoch.toString(), 'epoch')],
    ['header hash', text(h.hash, 'header', true)],
    ['state root', text(toHex(h.stateRoot), undefined, true)],
    ['block time', text(new Date(Number(h.time)).toISOString())],
  ]);
  const tr = row([text(h.height.toString()), text(new Date(Number(h.time)).toLocaleTimeString()), text(h.hash.slice(0, 24) + '…', undefined, true), verifiedBadge(h)]);
  $('blocks').prepend(tr);
  while ($('blocks').children.length > SHOWN_BLOCKS) $('blocks').lastElementChild!.remove();
}

/** A lookup form: its answer is shown with its verification, or the check that failed. */
function lookup(name: string, answer: (input: string) => Promise<Array<[string, Node]>>): void {
  $(`${name}-form`).addEventListener('submit', (ev) => {
    ev.preventDefault();
    const out = $(name);
    out.replaceChildren(badge('wait', 'verifying…'));
    const input = ($(`${name}-input`) as HTMLInputElement).value.trim();
    answer(input).then(
      (fields) => {
        const table = document.createElement('table');
        rows(table, fields);
        out.replaceChildren(table);
      },
      (err: unknown) => out.replaceChildren(failure(err)),
    );
  });
}

async function showRecentRequests(daemon: LightDaemon): Promise<void> {
  // the list comes from the node (untrusted); each entry shown is then proven in the verified state
  const listed = await new RpcClient(rpcUrl).get<{ requests: Array<{ id: string }> }>(`/market/requests?limit=${SHOWN_REQUESTS}`);
  for (const { id } of listed.requests.slice(0, SHOWN_REQUESTS)) {
    const el = document.createElement('div');
    $('request').append(el);
    await marketRequestAnswer(daemon, id).then(
      (r) => el.replaceChildren(text(`${id.slice(0, 16)}… ${r.status as string} `, undefined, true), verifiedBadge(r.verified)),
      (err: unknown) => el.replaceChildren(text(`${id.slice(0, 16)}… `, undefined, true), failure(err)),
    );
  }
}

/** The cold start, waiting while no source has an epoch proof yet (a new devnet's prover is still compiling). */
async function coldStart(daemon: LightDaemon): Promise<Head> {
  for (let waiting = false; ; waiting = true) {
    try {
      return await daemon.start();
    } catch (err) {
      if ((err as { code?: string }).code !== 'E_NOT_FOUND') throw err;
      if (!waiting) progress(`no epoch proof yet (a new devnet's prover compiles for about 12 minutes first): retrying every ${PROOF_RETRY_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, PROOF_RETRY_MS));
    }
  }
}

async function main(): Promise<void> {
  // o1js's own default leaves one core idle (its pool runs in workers; this page's thread only
  // waits): a cold start computes the verifier's Lagrange basis, so every core shortens it
  (await o1js()).setNumberOfWorkers(Math.max(1, navigator.hardwareConcurrency || 1));
  await installVerifierCache(progress);
  const genesis = await loadGenesis();
  const maxSize = Number(genesis.params.staking.maxValidators);
  const trustedVkHash = params.get('vk') ?? PINNED_EPOCH_VK_HASHES[maxSize];
  if (!trustedVkHash) throw new Error(`no pinned epoch verification key for ${maxSize} validator slots: add ?vk=<hash>`);
  $('genesis').textContent = `${genesis.chainId} ${toHex(genesisHash(genesis))}`;
  $('source').textContent = rpcUrl;
  const client = new LightClient({ rpcUrl, sources: params.getAll('source'), genesis, trustedVkHash });
  const daemon = new LightDaemon(client, { onProgress: progress, onHead: showHead });
  showState(badge('wait', 'verifying the epoch proof (loading the verifier takes a while)'));
  const head = await coldStart(daemon);
  figures.firstVerifiedMs = Math.round(performance.now());
  figures.coldStartMs = daemon.coldStartMs;
  showState(verifiedBadge(head));
  rows($('validators'), validatorsAnswer(daemon).members.map((m) => [m.address, text(m.power)]));
  lookup('account', async (address) => {
    const a = await accountAnswer(daemon, address);
    return [['balance', text(`${formatAmount(a.balance)} QRY`, 'balance')], ['sequence', text(a.sequence)], ['', verifiedBadge(a.verified)]];
  });
  lookup('request', async (id) => {
    const r = await marketRequestAnswer(daemon, id);
    return [['status', text(String(r.status))], ['proof', text(r.proof ? r.proof.proof.slice(0, 48) + '…' : 'none yet', undefined, true)], ['', verifiedBadge(r.verified)]];
  });
  lookup('tx', async (hash) => {
    const t = await txAnswer(daemon, hash);
    return [['included in block', text(t.height)], ['index', text(String(t.index))], ['', verifiedBadge(t.verified)]];
  });
  await showRecentRequests(daemon).catch((err: unknown) => $('request').append(failure(err)));
}

main().catch((err: unknown) => {
  showState(failure(err));
  progress(`stopped: ${(err as Error).message}`);
});
