/**
 * Whether this node validates, decided again after every block (docs/consensus.md §validator
 * role): a node whose key enters the active set (a new validator's first epoch, or a jailed one
 * back after `unjail`) starts its consensus driver, and one whose key leaves it stops signing and
 * follows the chain as a full node. Deciding once at boot left an unjailed validator that had
 * restarted while jailed never signing, so it was jailed and slashed again.
 */
import type { Logger } from 'pino';
import type { ConsensusDriver } from './driver.ts';
import type { Chain } from '../chain/chain.ts';
import { equalBytes } from '../../protocol/encoding/bytes.ts';

export interface RoleOptions {
  chain: Chain;
  /** The node's BLS public key, or null when it holds no validator key. */
  blsPublicKey: Uint8Array | null;
  makeDriver: () => ConsensusDriver;
  log: Logger;
}

export class ValidatorRole {
  private current: ConsensusDriver | null = null;
  private pending: Promise<void> = Promise.resolve();
  private checked = false;

  constructor(private readonly o: RoleOptions) {}

  get driver(): ConsensusDriver | null {
    return this.current;
  }

  /** Re-checks membership and starts or stops the driver; calls are applied one at a time. */
  update(): Promise<void> {
    this.pending = this.pending.then(() => this.apply()).catch((err: Error) => this.o.log.error({ err: err.message }, 'validator role update failed'));
    return this.pending;
  }

  private async apply(): Promise<void> {
    const key = this.o.blsPublicKey;
    if (!key) return;
    const { set } = await this.o.chain.activeSet();
    const active = set.validators.some((v) => equalBytes(v.blsPubKey, key));
    const first = !this.checked;
    this.checked = true;
    if (active && !this.current) {
      this.current = this.o.makeDriver();
      await this.current.start();
      this.o.log.info({ height: this.o.chain.head.height.toString() }, 'in the active validator set: validating');
    } else if (!active && this.current) {
      const driver = this.current;
      this.current = null;
      driver.stop();
      await driver.idle();
      this.o.log.warn({ height: this.o.chain.head.height.toString() }, 'not in the active validator set: following as a full node');
    } else if (!active && first) {
      this.o.log.warn('validator key is not in the active set; running as a full node');
    }
  }

  async stop(): Promise<void> {
    await this.pending;
    this.current?.stop();
    await this.current?.idle();
  }
}
