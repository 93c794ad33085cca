import type { PackageFormat } from '../../domain/sites/archive-entries';

/** What the agent needs to know of a site to build and serve its code space. */
export interface SiteSpace {
  siteId: string;
  /** Short unique key: directory, pool and system user names derive from it. */
  key: string;
  /** The vhost's server name. */
  hostname: string;
  diskMb: number;
  phpVersion: string;
  /** The site's slot on its host (1, 2, ...): its php-fpm pool's loopback port derives from it. */
  slot: number;
}

export interface SiteLayout {
  root: string;
  /** The site's system user (null where the agent cannot create users: not root). */
  user: string | null;
}

export interface UnpackedRelease {
  sizeBytes: number;
  entries: number;
}

/** How a site's FTP account is reached (its password is the platform's, sealed in its record). */
export interface FtpAccess {
  username: string;
  port: number;
}

/** A code package does not fit in the code space: its quota is the site's disk size. */
export class SiteQuotaError extends Error {
  constructor(
    readonly neededBytes: number,
    readonly freeBytes: number,
  ) {
    super(`the package needs ${neededBytes} bytes unpacked; the code space has ${Math.max(0, freeBytes)} bytes free`);
  }
}

/**
 * The host did not answer in time (connection, SSH handshake, keepalive or one command's timeout): nothing says the
 * operation is wrong, so it is retried (every operation of the agent is idempotent). Its name is the Temporal failure type.
 */
export class SiteHostUnreachableError extends Error {
  override readonly name = 'SiteHostUnreachable';
  readonly retryable = true;
}

/** A host unreachable, as a retried activity sees it (also across the ApplicationFailure it is wrapped in). */
export const isHostUnreachable = (e: unknown): boolean =>
  e instanceof SiteHostUnreachableError || (e as { type?: unknown } | null)?.type === 'SiteHostUnreachable';

/**
 * One shared host's web stack as the platform drives it. The local driver runs it on this machine
 * (embedded default and tests); the SSH driver (ssh-agent.ts) runs the same steps on a shared host through its agent command.
 */
export interface HostAgent {
  /** Starts the host's nginx, php-fpm (and pure-ftpd) if they are not running; answers the port nginx serves on. */
  ensureStack(): Promise<{ httpPort: number }>;
  /** Code space, system user, php-fpm pool (with `env` for PHP) and nginx vhost (checked with `nginx -t`, then reloaded). Idempotent. */
  createSite(space: SiteSpace, env?: Record<string, string>): Promise<SiteLayout>;
  /** Bytes the site's code space holds. */
  usageBytes(space: SiteSpace): Promise<number>;
  /** Unpacks a checked package into release directory `number` (removed again if it would exceed the quota). */
  unpackRelease(space: SiteSpace, archive: string, format: PackageFormat, number: number): Promise<UnpackedRelease>;
  /** Points `current` at release `number` (one atomic rename); answers the release it pointed at before. */
  activateRelease(space: SiteSpace, number: number): Promise<number | null>;
  /** Removes `current` (nginx then serves none of the site's releases: 404); answers the release it pointed at. Idempotent. */
  deactivateRelease(space: SiteSpace): Promise<number | null>;
  removeRelease(space: SiteSpace, number: number): Promise<void>;
  /** Release `number`'s files as a tar.gz at local path `toFile` (what unpackRelease takes again). */
  exportRelease(space: SiteSpace, number: number, toFile: string): Promise<void>;
  /**
   * The site's FTP account (a pure-ftpd virtual user chrooted to its code space, files owned by the site's user,
   * quota its disk size) with this password; idempotent. Null where the host serves no FTP.
   */
  ensureFtpAccount(space: SiteSpace, password: string): Promise<FtpAccess | null>;
  /** Vhost, pool, FTP account, code space and system user removed (nginx and php-fpm reloaded). */
  removeSite(space: SiteSpace): Promise<void>;
  /** Stops the web stack this agent started. */
  stop(): Promise<void>;
}

/** The agent of each registered host, by the host's driver. */
export interface SiteAgents {
  forHost(host: {
    id: string;
    driver: string;
    address: string;
    /** A `dedicated` host's members and listener port. */
    members?: { servers: Array<{ serverId: string; agentAddress: string }>; port: number } | null;
  }): HostAgent;
}
