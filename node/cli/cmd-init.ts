/** `quarry init`: create a home directory with config, keys and a genesis file. */
import type { Command } from 'commander';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { QuarryError } from '../../protocol/errors.ts';
import { homePaths } from '../home.ts';
import { action, addressBytes, homeOf, int } from './util.ts';

interface InitFlags {
  chainId: string;
  genesis?: string;
  validator: boolean;
  rpcPort?: string;
  p2pPort?: string;
  peers?: string;
}

const LOOPBACK = '127.0.0.1';

/** config.json values for the network flags, checked before anything is written. */
function networkConfig(f: InitFlags): { rpc?: { listen: string }; p2p?: { listen?: string[]; peers?: string[] } } {
  const out: ReturnType<typeof networkConfig> = {};
  if (f.rpcPort) out.rpc = { listen: `${LOOPBACK}:${int(f.rpcPort, 'rpc-port', 1, 65535)}` };
  const p2p: { listen?: string[]; peers?: string[] } = {};
  if (f.p2pPort) p2p.listen = [`/ip4/${LOOPBACK}/tcp/${int(f.p2pPort, 'p2p-port', 1, 65535)}`];
  if (f.peers) {
    p2p.peers = f.peers.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = p2p.peers.find((p) => !/^\/(ip4|ip6|dns|dns4|dns6)\/[^/]+\/tcp\/\d{1,5}\/p2p\/[A-Za-z0-9]+$/.test(p));
    if (bad !== undefined) throw new QuarryError('E_CONFIG', `--peers: "${bad}" is not a peer address like /ip4/127.0.0.1/tcp/26656/p2p/12D3Koo… (a node prints its own at init)`);
  }
  if (p2p.listen || p2p.peers) out.p2p = p2p;
  return out;
}

/** This home's p2p address for other nodes' --peers (creates the libp2p identity the node will use). */
async function ownPeerAddress(home: string, listen: string): Promise<string> {
  const [{ loadNodeKey }, { peerIdFromPrivateKey }] = await Promise.all([import('../p2p/identity.ts'), import('@libp2p/peer-id')]);
  return `${listen}/p2p/${peerIdFromPrivateKey(await loadNodeKey(home)).toString()}`;
}

export function registerInit(init: Command): void {
  init
    .option('--chain-id <id>', 'chain id of a new single-validator chain', 'quarry-local-1')
    .option('--genesis <file>', 'join an existing chain with this genesis file instead of creating one')
    .option('--no-validator', 'do not create a validator key (full node only)')
    .option('--rpc-port <port>', `RPC port on ${LOOPBACK} (default 26657)`)
    .option('--p2p-port <port>', `p2p port on ${LOOPBACK} (default 26656)`)
    .option('--peers <addrs>', 'comma-separated peers to join, e.g. /ip4/127.0.0.1/tcp/26656/p2p/12D3Koo…')
    .action(
      action(async (opts: InitFlags, cmd: Command) => {
        const network = networkConfig(opts);
        if (!opts.validator && !opts.genesis) throw new QuarryError('E_CONFIG', 'a new chain needs a validator: omit --no-validator or pass --genesis');
        const [{ writeDefaultConfig, loadConfig }, { accountKeyFromPair, saveAccountKey, saveValidatorKey, validatorKeyFromSecret, validatorRegistration }, { generateMnemonic, keyPairFromMnemonic }, { blsKeyGen }, { genesisToJson, loadGenesisFile }, { addAccount, addValidator, newGenesis }] =
          await Promise.all([import('../config.ts'), import('../crypto/keyfile.ts'), import('../../protocol/crypto/mnemonic.ts'), import('../crypto/bls.ts'), import('../genesis.ts'), import('../../genesis/builder.ts')]);
        const home = homeOf(cmd);
        const paths = homePaths(home);
        if (existsSync(paths.genesis)) throw new QuarryError('E_CONFIG', `${home} is already initialized (found ${paths.genesis})`);
        if (opts.genesis) loadGenesisFile(opts.genesis); // a bad file is refused before anything is written
        mkdirSync(home, { recursive: true, mode: 0o700 });
        writeDefaultConfig(home, network);
        const mnemonic = generateMnemonic();
        const operator = accountKeyFromPair('operator', keyPairFromMnemonic(mnemonic));
        saveAccountKey(home, operator);
        const validatorKey = opts.validator ? validatorKeyFromSecret(blsKeyGen().secretKey) : null;
        if (validatorKey) saveValidatorKey(home, validatorKey);
        if (opts.genesis) copyFileSync(opts.genesis, paths.genesis);
        else if (validatorKey) {
          let g = newGenesis(opts.chainId, BigInt(Date.now()));
          g = addAccount(g, operator.address, 1_000_000n * 1_000_000n);
          g = addValidator(g, operator.address, await validatorRegistration(validatorKey, await addressBytes(operator.address)), 100n);
          writeFileSync(paths.genesis, JSON.stringify(genesisToJson(g), null, 2) + '\n');
        }
        const config = loadConfig(home);
        process.stdout.write(
          [
            `initialized ${home}`,
            `  config     ${paths.config}`,
            `  genesis    ${paths.genesis}`,
            `  rpc        http://${config.rpc.listen}`,
            `  p2p        ${await ownPeerAddress(home, config.p2p.listen[0]!)} (other nodes' --peers)`,
            `  operator   ${operator.address} (key "operator")`,
            validatorKey ? `  validator  ${home}/validator-key.json` : '  validator  none (full node)',
            '',
            'operator mnemonic (write it down; it is shown only once):',
            `  ${mnemonic}`,
            '',
            `start the node with: quarry node start --home ${home}`,
            '',
          ].join('\n'),
        );
      }),
    );
}
