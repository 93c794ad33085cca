import { bool, oneOf, str, tags, unwrap } from './body';
import { octaviaError, validationFailure } from './errors';
import { compatiblePools, lbAlgorithms, poolProtocols, type Caller, type PoolRecord } from './model';
import type { LoadBalancerService } from './service';

const createAttrs = [
  'name',
  'description',
  'admin_state_up',
  'loadbalancer_id',
  'listener_id',
  'protocol',
  'lb_algorithm',
  'session_persistence',
  'project_id',
  'tenant_id',
  'tags',
  'members',
  'healthmonitor',
  'tls_enabled',
  'tls_container_ref',
  'ca_tls_container_ref',
  'crl_container_ref',
  'tls_ciphers',
  'tls_versions',
  'alpn_protocols',
] as const;
const updateAttrs = [
  'name',
  'description',
  'admin_state_up',
  'lb_algorithm',
  'session_persistence',
  'tags',
  'tls_enabled',
] as const;

function sessionPersistence(v: unknown): Record<string, unknown> | null {
  if (v === undefined || v === null) return null;
  const sp = v as Record<string, unknown>;
  if (typeof sp !== 'object' || !['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'].includes(String(sp.type))) {
    throw octaviaError(
      400,
      `Invalid input for field/attribute type. Value: '${String((sp as { type?: unknown })?.type)}'. Value should be one of: SOURCE_IP, HTTP_COOKIE, APP_COOKIE`,
    );
  }
  return {
    type: sp.type,
    cookie_name: sp.cookie_name ?? null,
    persistence_timeout: sp.persistence_timeout ?? null,
    persistence_granularity: sp.persistence_granularity ?? null,
  };
}

/** A pool hangs off a load balancer directly or becomes a listener's default pool (one per listener). */
export function createPool(svc: LoadBalancerService, caller: Caller, raw: unknown): PoolRecord {
  const b = unwrap(raw, 'pool', createAttrs);
  const protocol = oneOf(b, 'protocol', poolProtocols, true)!;
  const algorithm = oneOf(b, 'lb_algorithm', lbAlgorithms, true)!;
  const listenerId = str(b, 'listener_id');
  const lbId = str(b, 'loadbalancer_id');
  if (!listenerId && !lbId) throw validationFailure('loadbalancer_id or listener_id must be specified.');
  const listener = listenerId ? svc.listener(caller, listenerId) : undefined;
  const lb = svc.lb(caller, listener?.loadbalancer_id ?? lbId!);
  if (listener && lbId && lbId !== listener.loadbalancer_id)
    throw validationFailure(`Listener ${listener.id} is not on load balancer ${lbId}.`);
  if (listener) {
    if (listener.default_pool_id) throw octaviaError(409, `Listener ${listener.id} already has a default pool`);
    if (!compatiblePools[listener.protocol]?.includes(protocol)) {
      throw validationFailure(
        `The pool protocol '${protocol}' is invalid while the listener protocol is '${listener.protocol}'.`,
      );
    }
  }
  const pool: PoolRecord = {
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
    listener_id: listener?.id ?? null,
    protocol,
    lb_algorithm: algorithm,
    session_persistence: sessionPersistence(b.session_persistence),
    healthmonitor_id: null,
  };
  svc.startChild(lb, pool, 'PENDING_CREATE');
  svc.pools.set(pool.id, pool);
  if (listener) listener.default_pool_id = pool.id;
  svc.settle(lb, pool);
  return pool;
}

export function updatePool(svc: LoadBalancerService, caller: Caller, id: string, raw: unknown): PoolRecord {
  const pool = svc.pool(caller, id);
  const lb = svc.lb(caller, pool.loadbalancer_id);
  const b = unwrap(raw, 'pool', updateAttrs);
  const name = str(b, 'name');
  const description = str(b, 'description');
  const up = bool(b, 'admin_state_up');
  const algorithm = oneOf(b, 'lb_algorithm', lbAlgorithms);
  const newTags = tags(b);
  const sp = b.session_persistence !== undefined ? sessionPersistence(b.session_persistence) : undefined;
  svc.startChild(lb, pool, 'PENDING_UPDATE');
  if (name !== undefined) pool.name = name;
  if (description !== undefined) pool.description = description;
  if (up !== undefined) pool.admin_state_up = up;
  if (algorithm !== undefined) pool.lb_algorithm = algorithm;
  if (newTags !== undefined) pool.tags = newTags;
  if (sp !== undefined) pool.session_persistence = sp;
  svc.settle(lb, pool);
  return pool;
}

/** Deleting a pool takes its members and health monitor with it. */
export function deletePool(svc: LoadBalancerService, caller: Caller, id: string): void {
  const pool = svc.pool(caller, id);
  const lb = svc.lb(caller, pool.loadbalancer_id);
  svc.startChild(lb, pool, 'PENDING_DELETE');
  svc.settle(lb, pool, () => {
    for (const m of [...svc.members.values()]) if (m.pool_id === id) svc.members.delete(m.id);
    if (pool.healthmonitor_id) svc.healthmonitors.delete(pool.healthmonitor_id);
    for (const l of svc.listeners.values()) if (l.default_pool_id === id) l.default_pool_id = null;
    svc.pools.delete(id);
  });
}
