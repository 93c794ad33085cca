import type { PackageFormat } from '../../domain/sites/archive-entries';
import type { FtpAccess, HostAgent, SiteLayout, SiteSpace, UnpackedRelease } from './agent';

/**
 * The web servers of one dedicated site, driven as one host: every operation runs on each member in turn (always in
 * the members' order, so a retry meets them as the last attempt left them) and answers the first member's result.
 * The site's health check goes through the load balancer: the host record's address is the listener's, and
 * ensureStack answers the listener's port. Dedicated members serve no FTP (the site's code reaches them by
 * release only; an FTP upload to one member would not reach the others), so ensureFtpAccount answers null.
 */
export class DedicatedHostAgent implements HostAgent {
  constructor(
    readonly members: HostAgent[],
    /** The load balancer listener's port. */
    private readonly listenerPort: number,
  ) {
    if (members.length === 0) throw new Error('a dedicated host needs at least one member');
  }

  /** `op` on every member, one after the other; the first member's answer. */
  private async each<T>(op: (m: HostAgent) => Promise<T>): Promise<T> {
    let first: T | undefined;
    for (const [i, m] of this.members.entries()) {
      const r = await op(m);
      if (i === 0) first = r;
    }
    return first as T;
  }

  async ensureStack(): Promise<{ httpPort: number }> {
    await this.each((m) => m.ensureStack());
    return { httpPort: this.listenerPort };
  }
  createSite(space: SiteSpace, env?: Record<string, string>): Promise<SiteLayout> {
    return this.each((m) => m.createSite(space, env));
  }
  /** The fullest member's (they hold the same releases; a member behind after a failed attempt holds less). */
  async usageBytes(space: SiteSpace): Promise<number> {
    let most = 0;
    for (const m of this.members) most = Math.max(most, await m.usageBytes(space));
    return most;
  }
  unpackRelease(space: SiteSpace, archive: string, format: PackageFormat, number: number): Promise<UnpackedRelease> {
    return this.each((m) => m.unpackRelease(space, archive, format, number));
  }
  activateRelease(space: SiteSpace, number: number): Promise<number | null> {
    return this.each((m) => m.activateRelease(space, number));
  }
  deactivateRelease(space: SiteSpace): Promise<number | null> {
    return this.each((m) => m.deactivateRelease(space));
  }
  removeRelease(space: SiteSpace, number: number): Promise<void> {
    return this.each((m) => m.removeRelease(space, number));
  }
  /** From the first member (every member holds the same release). */
  exportRelease(space: SiteSpace, number: number, toFile: string): Promise<void> {
    return this.members[0]!.exportRelease(space, number, toFile);
  }
  async ensureFtpAccount(): Promise<FtpAccess | null> {
    return null;
  }
  removeSite(space: SiteSpace): Promise<void> {
    return this.each((m) => m.removeSite(space));
  }
  /** Every member's stack is stopped, also when one fails to stop (its error is thrown after). */
  async stop(): Promise<void> {
    const results = await Promise.allSettled(this.members.map((m) => m.stop()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
