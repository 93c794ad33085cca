/** Tunables of the simulated cloud. Durations are in milliseconds of wall time. */
export interface SimOptions {
  /** Keystone region every catalog endpoint is published in. */
  region: string;
  /** Time a server spends in BUILD before it turns ACTIVE. */
  buildMs: number;
  /** Time a live or cold migration takes. */
  migrateMs: number;
  /** Time an evacuation takes (rebuild on the target host). */
  evacuateMs: number;
  /** Time other short transitions take (start, stop, reboot, volume create, LB provisioning...). */
  actionMs: number;
  /** Nova's shelved_offload_time: a shelved server frees its host after this long (0 = at once, -1 = never). */
  shelvedOffloadMs: number;
  /** A compute service whose host stopped sending heartbeats is reported down after this long. */
  heartbeatTimeoutMs: number;
  /** Lifetime of a Keystone token. */
  tokenTtlMs: number;
  /** When set, state is loaded from and saved to this JSON file. */
  stateFile?: string;
  /** Admin credentials seeded at start. */
  adminUser: string;
  adminPassword: string;
  adminProject: string;
  /** Number of seeded hypervisors (`compute-01`...). */
  hosts: number;
  /** Capacity of each seeded hypervisor. */
  hostVcpus: number;
  hostMemoryMb: number;
  hostDiskGb: number;
  /** Placement allocation ratios used by the scheduler and reported by os-hypervisors. */
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  /** Nova default quota of every project (`-1` = unlimited). */
  computeQuota: Partial<Record<string, number>>;
  /** Keystone security compliance: failed logins before a lockout (0 = off) and its length. */
  lockoutFailureAttempts: number;
  lockoutDurationMs: number;
  /** Keystone security compliance: how many last passwords (the current one included) a new one must differ from (0 = off). */
  uniqueLastPasswordCount: number;
  /**
   * The data plane (data-plane/service.ts): ACTIVE servers and load balancers get loopback addresses and
   * every TCP/HTTP/HTTPS listener is a real TCP proxy with real health checks. Off unless asked for.
   */
  dataPlane: boolean;
  /** Second octet of the 127.B.0.0/16 block tried first (1..254); by default derived from the simulator's port. */
  dataPlaneBlock?: number;
}

export const defaultSimOptions: SimOptions = {
  region: 'RegionOne',
  buildMs: 200,
  migrateMs: 300,
  evacuateMs: 300,
  actionMs: 50,
  shelvedOffloadMs: 0,
  heartbeatTimeoutMs: 2000,
  tokenTtlMs: 3600_000,
  adminUser: 'admin',
  adminPassword: 'secret',
  adminProject: 'admin',
  hosts: 4,
  hostVcpus: 64,
  hostMemoryMb: 262144,
  hostDiskGb: 2048,
  cpuAllocationRatio: 16.0,
  ramAllocationRatio: 1.5,
  diskAllocationRatio: 1.0,
  computeQuota: {},
  lockoutFailureAttempts: 0,
  lockoutDurationMs: 1_800_000,
  uniqueLastPasswordCount: 0,
  dataPlane: false,
};
