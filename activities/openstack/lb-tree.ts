import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { LbListenerSpec } from '../../domain/orders/items';
import type { OpenStackClient } from './client';
import { OpenStackFailureType } from './errors';
import type { Listener } from './load-balancer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Heartbeats when run as an activity (a retry on another worker resumes the wait). */
function beat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    /* not in an activity */
  }
}

/** Octavia takes one change at a time: waits until the load balancer is ACTIVE again (ERROR fails). */
export async function waitLbActive(c: OpenStackClient, lbId: string, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const lb = await c.loadBalancer.getLoadBalancer(lbId);
    if (lb.provisioning_status === 'ACTIVE') return;
    if (lb.provisioning_status === 'ERROR')
      throw ApplicationFailure.nonRetryable(`load balancer ${lbId} went to ERROR`, OpenStackFailureType.ResourceFailed);
    if (Date.now() - started > timeoutMs)
      throw ApplicationFailure.nonRetryable(
        `load balancer ${lbId} did not become ACTIVE within ${Math.round(timeoutMs / 1000)} s`,
        OpenStackFailureType.WaitTimeout,
      );
    beat();
    await sleep(200);
  }
}

export interface LbMemberTarget {
  instanceId: string;
  address: string;
  subnetId?: string | null;
}

/** The pool protocol a listener protocol takes (Octavia's compatibility table). */
const poolProtocol = (p: LbListenerSpec['protocol']) => (p === 'UDP' ? 'UDP' : p === 'HTTPS' ? 'HTTPS' : p);

/** One member, found by address and port before it is made (named by its instance). */
export async function ensureMember(
  c: OpenStackClient,
  lbId: string,
  poolId: string,
  port: number,
  m: LbMemberTarget,
): Promise<string> {
  const have = (await c.loadBalancer.listMembers(poolId)).find(
    (x) => x.address === m.address && x.protocol_port === port,
  );
  if (have) return have.id;
  const made = await c.loadBalancer.createMember(poolId, {
    name: m.instanceId,
    address: m.address,
    protocol_port: port,
    ...(m.subnetId ? { subnet_id: m.subnetId } : {}),
  });
  await waitLbActive(c, lbId);
  return made.id;
}

/**
 * A listener with its pool, members and health monitor, each looked up before it is made (the
 * listener by port, the pool by listener, members by address), waiting for the load balancer to
 * settle after every change.
 */
export async function ensureListenerTree(
  c: OpenStackClient,
  lbId: string,
  tag: string,
  spec: LbListenerSpec,
  members: LbMemberTarget[],
): Promise<{ listenerId: string; poolId: string }> {
  let listener: Listener | undefined = (await c.loadBalancer.listListeners({ loadbalancer_id: lbId })).find(
    (l) => l.protocol_port === spec.port && l.protocol === spec.protocol,
  );
  if (!listener) {
    listener = await c.loadBalancer.createListener({
      loadbalancer_id: lbId,
      name: `${tag}.${spec.protocol.toLowerCase()}${spec.port}`,
      protocol: spec.protocol,
      protocol_port: spec.port,
      ...(spec.connectionLimit != null ? { connection_limit: spec.connectionLimit } : {}),
    });
    await waitLbActive(c, lbId);
  }
  let pool = (await c.loadBalancer.listPools({ loadbalancer_id: lbId })).find((p) =>
    p.listeners.some((l) => l.id === listener!.id),
  );
  if (!pool) {
    pool = await c.loadBalancer.createPool({
      listener_id: listener.id,
      name: `${listener.name}.pool`,
      protocol: poolProtocol(spec.protocol),
      lb_algorithm: spec.pool.algorithm,
    });
    await waitLbActive(c, lbId);
  }
  for (const m of members) await ensureMember(c, lbId, pool.id, spec.pool.memberPort, m);
  const hm = spec.pool.healthMonitor;
  if (hm && !(await c.loadBalancer.getPool(pool.id)).healthmonitor_id) {
    await c.loadBalancer.createHealthMonitor({
      pool_id: pool.id,
      name: `${listener.name}.monitor`,
      type: hm.type,
      delay: hm.delay,
      timeout: hm.timeout,
      max_retries: hm.maxRetries,
      ...(hm.urlPath && hm.type.startsWith('HTTP') ? { url_path: hm.urlPath } : {}),
    });
    await waitLbActive(c, lbId);
  }
  return { listenerId: listener.id, poolId: pool.id };
}

/** What the platform keeps of a load balancer (its record's attributes), members' health included. */
export async function describeLoadBalancer(c: OpenStackClient, lbId: string): Promise<Record<string, unknown>> {
  const lb = await c.loadBalancer.getLoadBalancer(lbId);
  const listeners = await c.loadBalancer.listListeners({ loadbalancer_id: lbId });
  const pools = await c.loadBalancer.listPools({ loadbalancer_id: lbId });
  const monitors = await c.loadBalancer.listHealthMonitors();
  const out = [];
  for (const l of listeners.sort((a, b) => a.protocol_port - b.protocol_port)) {
    const p = pools.find((x) => x.listeners.some((y) => y.id === l.id));
    const hm = p?.healthmonitor_id ? monitors.find((h) => h.id === p.healthmonitor_id) : undefined;
    const members = p ? await c.loadBalancer.listMembers(p.id) : [];
    out.push({
      id: l.id,
      protocol: l.protocol,
      port: l.protocol_port,
      connectionLimit: l.connection_limit,
      pool: p
        ? {
            id: p.id,
            algorithm: p.lb_algorithm,
            operatingStatus: p.operating_status,
            healthMonitor: hm
              ? { id: hm.id, type: hm.type, delay: hm.delay, timeout: hm.timeout, maxRetries: hm.max_retries }
              : null,
            members: members.map((m) => ({
              id: m.id,
              instanceId: m.name || null,
              address: m.address,
              port: m.protocol_port,
              operatingStatus: m.operating_status,
            })),
          }
        : null,
    });
  }
  return {
    vipAddress: lb.vip_address,
    vipPortId: lb.vip_port_id,
    vipNetworkId: lb.vip_network_id,
    provisioningStatus: lb.provisioning_status,
    operatingStatus: lb.operating_status,
    listeners: out,
  };
}
