import type { OpenStackClient } from './client';
import { failureTypeOf, OpenStackFailureType } from './errors';

/** Nova's refusals of the move (target down or full, server not migratable): the server stays where it booted. */
const refusals = new Set<string>([
  OpenStackFailureType.BadRequest,
  OpenStackFailureType.Conflict,
  OpenStackFailureType.Forbidden,
]);

/**
 * Where a new server ends up under the platform's scheduling policy. The platform works in a
 * tenant's project as a member, and Nova lets only admins force a host at boot
 * (`os_compute_api:servers:create:forced_host`), so the server boots where Nova's scheduler puts
 * it and, once ACTIVE, the admin scope (migrations are cloud-wide work) live-migrates it to the
 * host the policy chose. One migration is asked per wait: a server Nova will not move, or that settles elsewhere, stays.
 */
export class Placement {
  private asked = false;

  constructor(
    private readonly admin: OpenStackClient,
    private readonly serverId: string,
    private readonly host: string | null,
  ) {}

  /** True once the ACTIVE server is on the chosen host (or no host was chosen, or the move failed). */
  async settled(): Promise<boolean> {
    if (!this.host) return true;
    const s = await this.admin.compute.getServer(this.serverId);
    if (s['OS-EXT-STS:task_state']) return false;
    if (s['OS-EXT-SRV-ATTR:host'] === this.host || this.asked) return s.status === 'ACTIVE';
    this.asked = true;
    try {
      await this.admin.compute.liveMigrate(this.serverId, { host: this.host, blockMigration: 'auto' });
    } catch (e) {
      if (refusals.has(failureTypeOf(e) ?? '')) return s.status === 'ACTIVE';
      throw e;
    }
    return false;
  }
}
