/** Plain JSON shapes the HA OpenStack activities exchange with workflows. */

export interface ComputeHost {
  name: string;
  serviceId: string;
  /** Nova's view: heartbeat fresh and not forced down. */
  up: boolean;
  enabled: boolean;
  forcedDown: boolean;
  disabledReason: string | null;
  vcpus: number;
  memoryMb: number;
  usedVcpus: number;
  usedMemoryMb: number;
  runningVms: number;
}

export interface HaServer {
  id: string;
  name: string;
  status: string;
  taskState: string | null;
  host: string | null;
  vcpus: number;
  memoryMb: number;
  metadata: Record<string, string>;
}

export interface LiveMigrationProgress {
  /** The in-progress live migration, if Nova still lists one. */
  migrationId: number | null;
  migrationStatus: string | null;
  memoryTotalBytes: number | null;
  memoryProcessedBytes: number | null;
  server: HaServer;
}

export interface EvacuateRequest {
  serverId: string;
  sourceHost: string;
  targetHost: string;
}

export interface WaitSettledRequest {
  serverId: string;
  timeoutMs: number;
}
