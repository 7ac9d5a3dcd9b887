/** Ed25519 account wallets for the SDK: fresh, from a BIP-39 mnemonic (SLIP-10 m/44'/7717'/0'/0'/i'), or from a secret key. */
import { generateKeyPair, sign as ed25519Sign, type Ed25519KeyPair } from '../protocol/crypto/ed25519.ts';
import { generateMnemonic, keyPairFromMnemonic } from '../protocol/crypto/mnemonic.ts';
import { addressFromPubKey, encodeAddress } from '../protocol/crypto/address.ts';
import { fromHex } from '../protocol/encoding/bytes.ts';
import { QuarryClientError } from './errors.ts';
import type { Signer } from './tx-builder.ts';

export class Ed25519Wallet implements Signer {
  readonly address: string;

  private constructor(private readonly pair: Ed25519KeyPair, readonly mnemonic: string | null = null) {
    this.address = encodeAddress(addressFromPubKey(pair.publicKey));
  }

  /** A new random key with its 24-word mnemonic (`wallet.mnemonic`; store it safely). */
  static generate(): Ed25519Wallet {
    const mnemonic = generateMnemonic();
    return new Ed25519Wallet(keyPairFromMnemonic(mnemonic, 0), mnemonic);
  }

  static fromMnemonic(mnemonic: string, index = 0): Ed25519Wallet {
    try {
      return new Ed25519Wallet(keyPairFromMnemonic(mnemonic.trim(), index), mnemonic.trim());
    } catch (err) {
      throw new QuarryClientError('E_KEY', `not a valid mnemonic: ${(err as Error).message}`);
    }
  }

  /** From a 32-byte ed25519 seed (hex or bytes), as stored in `<home>/keys/*.json`. */
  static fromSecretKey(secret: Uint8Array | string): Ed25519Wallet {
    const bytes = typeof secret === 'string' ? fromHex(secret) : secret;
    if (bytes.length !== 32) throw new QuarryClientError('E_KEY', 'an ed25519 secret key is 32 bytes');
    return new Ed25519Wallet(generateKeyPair(bytes));
  }

  get publicKey(): Uint8Array {
    return this.pair.publicKey;
  }

  get secretKey(): Uint8Array {
    return this.pair.secretKey;
  }

  sign(message: Uint8Array): Uint8Array {
    return ed25519Sign(message, this.pair.secretKey);
  }
}
