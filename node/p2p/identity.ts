/** The node's libp2p identity: an Ed25519 key in `<home>/node-key.json` (0600), so its peer id is stable. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { writeSecretFile } from '../crypto/keyfile.ts';
import { fromHex, toHex } from '../../protocol/encoding/bytes.ts';

export async function loadNodeKey(home: string): Promise<PrivateKey> {
  const path = join(home, 'node-key.json');
  if (existsSync(path)) {
    const { key } = JSON.parse(readFileSync(path, 'utf8')) as { key: string };
    return privateKeyFromProtobuf(fromHex(key));
  }
  const key = await generateKeyPair('Ed25519');
  writeSecretFile(path, JSON.stringify({ type: 'ed25519', key: toHex(privateKeyToProtobuf(key)) }) + '\n');
  return key;
}
