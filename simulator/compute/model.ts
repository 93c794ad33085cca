/** Nova objects as the simulator stores them. */

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
  rxtxFactor: number;
  isPublic: boolean;
  disabled: boolean;
  description: string | null;
  extraSpecs: Record<string, string>;
  /** Projects given access to a non-public flavor (os-flavor-access); absent in older state files. */
  projects?: string[];
}

export interface Keypair {
  name: string;
  userId: string;
  type: 'ssh' | 'x509';
  publicKey: string;
  fingerprint: string;
  createdAt: string;
  id: number;
}

export interface ServerPort {
  portId: string;
  networkId: string;
  networkName: string;
  mac: string;
  ips: Array<{ addr: string; version: 4 | 6 }>;
  /** Nova created the port (so it deletes it with the server). */
  createdByNova: boolean;
  tag?: string;
}

export interface ServerVolume {
  volumeId: string;
  attachmentId: string;
  device: string;
  deleteOnTermination: boolean;
  bootIndex: number | null;
  tag?: string;
}

export interface ServerLoad {
  /** 0..1 of the server's vCPUs. */
  cpu: number;
  /** Resident memory in MiB. */
  memoryMb: number;
  /** Bytes per second received / transmitted. */
  rxBps: number;
  txBps: number;
}

export interface Server {
  id: string;
  /** Sequence number behind `instance-%08x`. */
  seq: number;
  name: string;
  projectId: string;
  userId: string;
  flavor: Flavor;
  imageId: string;
  keyName: string | null;
  metadata: Record<string, string>;
  tags: string[];
  vmState: string;
  taskState: string | null;
  powerState: number;
  host: string | null;
  az: string;
  createdAt: string;
  updatedAt: string;
  launchedAt: string | null;
  terminatedAt: string | null;
  ports: ServerPort[];
  volumes: ServerVolume[];
  adminPass: string;
  userData: string | null;
  accessIPv4: string;
  accessIPv6: string;
  description: string | null;
  hostname: string;
  locked: boolean;
  lockedReason: string | null;
  configDrive: string;
  securityGroups: string[];
  fault: { code: number; message: string; details?: string; created: string } | null;
  progress: number;
  reservationId: string;
  /** Before a resize is confirmed: the flavor and host to go back to. */
  oldFlavor: Flavor | null;
  sourceHost: string | null;
  /** Soft-deleted: hidden from lists except `changes-since`/`deleted=true` queries. */
  deleted: boolean;
  load: ServerLoad;
}

export interface Host {
  name: string;
  /** Integer id (< 2.53) and UUID (>= 2.53) of the hypervisor, and the compute service's ids. */
  hypervisorSeq: number;
  hypervisorId: string;
  serviceSeq: number;
  serviceId: string;
  hostIp: string;
  az: string;
  vcpus: number;
  memoryMb: number;
  localGb: number;
  usedVcpus: number;
  usedMemoryMb: number;
  usedDiskGb: number;
  /** Whether the compute service is reporting; when false it goes down after heartbeatTimeoutMs. */
  heartbeating: boolean;
  lastHeartbeat: number;
  disabled: boolean;
  disabledReason: string | null;
  forcedDown: boolean;
  servers: Set<string>;
  /** Injected load outside of servers: 0..1 cpu and MiB memory. */
  load: { cpu: number; memoryMb: number } | null;
  createdAt: string;
  /** Chassis powered off through the simulated BMC (see admin/power.ts): no heartbeat, no metrics, servers stopped. */
  powerOff?: boolean;
  /** Hung (kernel panic): no heartbeat, no metrics, no management-network answer, while the power stays on. */
  crashed?: boolean;
  /** The BMC does not answer: power control and status fail (a host that cannot be fenced). */
  bmcUnreachable?: boolean;
}

export interface Migration {
  id: number;
  uuid: string;
  serverId: string;
  projectId: string;
  userId: string;
  type: 'live-migration' | 'migration' | 'resize' | 'evacuation';
  status: string;
  sourceCompute: string;
  destCompute: string | null;
  oldFlavorId: string;
  newFlavorId: string;
  createdAt: string;
  updatedAt: string;
  memoryTotal: number | null;
  memoryProcessed: number | null;
  diskTotal: number | null;
  diskProcessed: number | null;
}

export interface InstanceAction {
  requestId: string;
  serverId: string;
  action: string;
  userId: string;
  projectId: string;
  startTime: string;
  updatedAt: string;
  message: string | null;
  events: Array<{ event: string; startTime: string; finishTime: string | null; result: string | null; host?: string }>;
}

export interface Aggregate {
  id: number;
  uuid: string;
  name: string;
  az: string | null;
  hosts: string[];
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string | null;
}

export interface ServerGroup {
  id: string;
  name: string;
  projectId: string;
  userId: string;
  policy: 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';
  rules: { max_server_per_host?: number };
  members: string[];
}
