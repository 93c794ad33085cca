import { bool, int, oneOf, str, tags, unwrap } from './body';
import { octaviaError, validationFailure } from './errors';
import { compatiblePools, listenerProtocols, type Caller, type ListenerRecord } from './model';
import type { LoadBalancerService } from './service';

const createAttrs = [
  'name',
  'description',
  'admin_state_up',
  'loadbalancer_id',
  'protocol',
  'protocol_port',
  'connection_limit',
  'default_pool_id',
  'project_id',
  'tenant_id',
  'timeout_client_data',
  'timeout_member_connect',
  'timeout_member_data',
  'timeout_tcp_inspect',
  'insert_headers',
  'allowed_cidrs',
  'tags',
  'default_tls_container_ref',
  'sni_container_refs',
  'l7policies',
  'default_pool',
  'client_authentication',
  'tls_ciphers',
  'tls_versions',
  'alpn_protocols',
] as const;
const updateAttrs = [
  'name',
  'description',
  'admin_state_up',
  'connection_limit',
  'default_pool_id',
  'timeout_client_data',
  'timeout_member_connect',
  'timeout_member_data',
  'timeout_tcp_inspect',
  'insert_headers',
  'allowed_cidrs',
  'tags',
] as const;

function checkDefaultPool(
  svc: LoadBalancerService,
  caller: Caller,
  l: Pick<ListenerRecord, 'loadbalancer_id' | 'protocol'>,
  poolId: string,
): void {
  const pool = svc.pool(caller, poolId);
  if (pool.loadbalancer_id !== l.loadbalancer_id)
    throw validationFailure(`Pool ${poolId} is on another load balancer.`);
  if (!compatiblePools[l.protocol]?.includes(pool.protocol)) {
    throw validationFailure(
      `The pool protocol '${pool.protocol}' is invalid while the listener protocol is '${l.protocol}'.`,
    );
  }
}

export function createListener(svc: LoadBalancerService, caller: Caller, raw: unknown): ListenerRecord {
  const b = unwrap(raw, 'listener', createAttrs);
  const lb = svc.lb(caller, str(b, 'loadbalancer_id', true)!);
  const protocol = oneOf(b, 'protocol', listenerProtocols, true)!;
  const port = int(b, 'protocol_port', 1, 65535, true)!;
  const connectionLimit = int(b, 'connection_limit', -1, 2147483647) ?? -1;
  const defaultPool = str(b, 'default_pool_id');
  const siblings = [...svc.listeners.values()].filter((l) => l.loadbalancer_id === lb.id);
  const udp = protocol === 'UDP' || protocol === 'SCTP';
  if (siblings.some((l) => l.protocol_port === port && (l.protocol === 'UDP' || l.protocol === 'SCTP') === udp)) {
    throw octaviaError(409, `Another Listener on this Load Balancer is already using protocol_port ${port}`);
  }
  if (defaultPool) checkDefaultPool(svc, caller, { loadbalancer_id: lb.id, protocol }, defaultPool);
  const l: ListenerRecord = {
    id: svc.cloud.newId(),
    name: str(b, 'name') ?? '',
    description: str(b, 'description') ?? '',
    project_id: lb.project_id,
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    admin_state_up: bool(b, 'admin_state_up') ?? true,
    created_at: svc.now(),
    updated_at: null,
    tags: tags(b) ?? [],
    loadbalancer_id: lb.id,
    protocol,
    protocol_port: port,
    connection_limit: connectionLimit,
    default_pool_id: defaultPool ?? null,
    timeout_client_data: int(b, 'timeout_client_data', 0, 31536000000) ?? 50000,
    timeout_member_connect: int(b, 'timeout_member_connect', 0, 31536000000) ?? 5000,
    timeout_member_data: int(b, 'timeout_member_data', 0, 31536000000) ?? 50000,
    timeout_tcp_inspect: int(b, 'timeout_tcp_inspect', 0, 31536000000) ?? 0,
    insert_headers: (b.insert_headers as Record<string, string>) ?? {},
    allowed_cidrs: (b.allowed_cidrs as string[]) ?? null,
  };
  svc.startChild(lb, l, 'PENDING_CREATE');
  svc.listeners.set(l.id, l);
  if (defaultPool) svc.pools.get(defaultPool)!.listener_id = l.id;
  svc.settle(lb, l);
  return l;
}

export function updateListener(svc: LoadBalancerService, caller: Caller, id: string, raw: unknown): ListenerRecord {
  const l = svc.listener(caller, id);
  const lb = svc.lb(caller, l.loadbalancer_id);
  const b = unwrap(raw, 'listener', updateAttrs);
  const name = str(b, 'name');
  const description = str(b, 'description');
  const up = bool(b, 'admin_state_up');
  const limit = int(b, 'connection_limit', -1, 2147483647);
  const newTags = tags(b);
  if (b.default_pool_id !== undefined && b.default_pool_id !== null)
    checkDefaultPool(svc, caller, l, str(b, 'default_pool_id')!);
  svc.startChild(lb, l, 'PENDING_UPDATE');
  if (name !== undefined) l.name = name;
  if (description !== undefined) l.description = description;
  if (up !== undefined) l.admin_state_up = up;
  if (limit !== undefined) l.connection_limit = limit;
  if (newTags !== undefined) l.tags = newTags;
  if (b.default_pool_id !== undefined) l.default_pool_id = (b.default_pool_id as string | null) ?? null;
  for (const k of [
    'timeout_client_data',
    'timeout_member_connect',
    'timeout_member_data',
    'timeout_tcp_inspect',
  ] as const) {
    const v = int(b, k, 0, 31536000000);
    if (v !== undefined) l[k] = v;
  }
  svc.settle(lb, l);
  return l;
}

export function deleteListener(svc: LoadBalancerService, caller: Caller, id: string): void {
  const l = svc.listener(caller, id);
  const lb = svc.lb(caller, l.loadbalancer_id);
  svc.startChild(lb, l, 'PENDING_DELETE');
  svc.settle(lb, l, () => {
    svc.listeners.delete(id);
    for (const p of svc.pools.values()) if (p.listener_id === id) p.listener_id = null;
  });
}
