import { bool, int, oneOf, str, tags, unwrap } from './body';
import { octaviaError, validationFailure } from './errors';
import { monitorTypes, type Caller, type HealthMonitorRecord } from './model';
import type { LoadBalancerService } from './service';

const createAttrs = [
  'name',
  'admin_state_up',
  'pool_id',
  'type',
  'delay',
  'timeout',
  'max_retries',
  'max_retries_down',
  'http_method',
  'url_path',
  'expected_codes',
  'project_id',
  'tenant_id',
  'tags',
  'http_version',
  'domain_name',
] as const;
const updateAttrs = [
  'name',
  'admin_state_up',
  'delay',
  'timeout',
  'max_retries',
  'max_retries_down',
  'http_method',
  'url_path',
  'expected_codes',
  'tags',
  'http_version',
  'domain_name',
] as const;
const httpMethods = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'];

/** One health monitor per pool; `timeout` may not exceed `delay`. */
export function createHealthMonitor(svc: LoadBalancerService, caller: Caller, raw: unknown): HealthMonitorRecord {
  const b = unwrap(raw, 'healthmonitor', createAttrs);
  const pool = svc.pool(caller, str(b, 'pool_id', true)!);
  const lb = svc.lb(caller, pool.loadbalancer_id);
  const type = oneOf(b, 'type', monitorTypes, true)!;
  const delay = int(b, 'delay', 0, 2147483647, true)!;
  const timeout = int(b, 'timeout', 0, 2147483647, true)!;
  const maxRetries = int(b, 'max_retries', 1, 10, true)!;
  if (timeout > delay) throw validationFailure('The timeout value must be less than or equal to the delay value.');
  if (pool.healthmonitor_id) throw octaviaError(409, `This pool (${pool.id}) already has a health monitor`);
  const http = type === 'HTTP' || type === 'HTTPS';
  const hm: HealthMonitorRecord = {
    id: svc.cloud.newId(),
    name: str(b, 'name') ?? '',
    description: '',
    project_id: pool.project_id,
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    admin_state_up: bool(b, 'admin_state_up') ?? true,
    created_at: svc.now(),
    updated_at: null,
    tags: tags(b) ?? [],
    pool_id: pool.id,
    type,
    delay,
    timeout,
    max_retries: maxRetries,
    max_retries_down: int(b, 'max_retries_down', 1, 10) ?? 3,
    http_method: http ? (oneOf(b, 'http_method', httpMethods) ?? 'GET') : null,
    url_path: http ? (str(b, 'url_path') ?? '/') : null,
    expected_codes: http ? (str(b, 'expected_codes') ?? '200') : null,
  };
  svc.startChild(lb, hm, 'PENDING_CREATE');
  svc.healthmonitors.set(hm.id, hm);
  pool.healthmonitor_id = hm.id;
  svc.settle(lb, hm);
  return hm;
}

export function updateHealthMonitor(
  svc: LoadBalancerService,
  caller: Caller,
  id: string,
  raw: unknown,
): HealthMonitorRecord {
  const hm = svc.healthMonitor(caller, id);
  const lb = svc.lb(caller, svc.pools.get(hm.pool_id)!.loadbalancer_id);
  const b = unwrap(raw, 'healthmonitor', updateAttrs);
  const delay = int(b, 'delay', 0, 2147483647) ?? hm.delay;
  const timeout = int(b, 'timeout', 0, 2147483647) ?? hm.timeout;
  if (timeout > delay) throw validationFailure('The timeout value must be less than or equal to the delay value.');
  const name = str(b, 'name');
  const up = bool(b, 'admin_state_up');
  const retries = int(b, 'max_retries', 1, 10);
  const retriesDown = int(b, 'max_retries_down', 1, 10);
  const newTags = tags(b);
  svc.startChild(lb, hm, 'PENDING_UPDATE');
  Object.assign(hm, { delay, timeout });
  if (name !== undefined) hm.name = name;
  if (up !== undefined) hm.admin_state_up = up;
  if (retries !== undefined) hm.max_retries = retries;
  if (retriesDown !== undefined) hm.max_retries_down = retriesDown;
  if (newTags !== undefined) hm.tags = newTags;
  if (hm.http_method !== null) {
    hm.http_method = oneOf(b, 'http_method', httpMethods) ?? hm.http_method;
    hm.url_path = str(b, 'url_path') ?? hm.url_path;
    hm.expected_codes = str(b, 'expected_codes') ?? hm.expected_codes;
  }
  svc.settle(lb, hm);
  return hm;
}

export function deleteHealthMonitor(svc: LoadBalancerService, caller: Caller, id: string): void {
  const hm = svc.healthMonitor(caller, id);
  const pool = svc.pools.get(hm.pool_id)!;
  const lb = svc.lb(caller, pool.loadbalancer_id);
  svc.startChild(lb, hm, 'PENDING_DELETE');
  svc.settle(lb, hm, () => {
    svc.healthmonitors.delete(id);
    pool.healthmonitor_id = null;
  });
}
