import type { HealthMonitorRecord, ListenerRecord, LoadBalancerRecord, MemberRecord, PoolRecord } from './model';
import type { LoadBalancerService } from './service';

const ids = (xs: Array<{ id: string }>) => xs.map((x) => ({ id: x.id }));

export function renderLoadBalancer(svc: LoadBalancerService, lb: LoadBalancerRecord): Record<string, unknown> {
  return {
    ...lb,
    tenant_id: lb.project_id,
    listeners: ids([...svc.listeners.values()].filter((l) => l.loadbalancer_id === lb.id)),
    pools: ids([...svc.pools.values()].filter((p) => p.loadbalancer_id === lb.id)),
    additional_vips: [],
    vip_vnic_type: 'normal',
  };
}

export function renderListener(l: ListenerRecord): Record<string, unknown> {
  return {
    ...l,
    tenant_id: l.project_id,
    loadbalancers: [{ id: l.loadbalancer_id }],
    l7policies: [],
    default_tls_container_ref: null,
    sni_container_refs: [],
    client_ca_tls_container_ref: null,
    client_authentication: 'NONE',
    client_crl_container_ref: null,
    tls_ciphers: null,
    tls_versions: null,
    alpn_protocols: null,
    hsts_max_age: null,
    hsts_include_subdomains: false,
    hsts_preload: false,
  };
}

export function renderPool(svc: LoadBalancerService, p: PoolRecord): Record<string, unknown> {
  return {
    ...p,
    tenant_id: p.project_id,
    loadbalancers: [{ id: p.loadbalancer_id }],
    listeners: p.listener_id ? [{ id: p.listener_id }] : [],
    members: ids([...svc.members.values()].filter((m) => m.pool_id === p.id)),
    tls_enabled: false,
    tls_container_ref: null,
    ca_tls_container_ref: null,
    crl_container_ref: null,
    tls_ciphers: null,
    tls_versions: null,
    alpn_protocols: null,
  };
}

export function renderMember(m: MemberRecord): Record<string, unknown> {
  return { ...m, tenant_id: m.project_id, vnic_type: 'normal' };
}

export function renderHealthMonitor(h: HealthMonitorRecord): Record<string, unknown> {
  const { pool_id, ...rest } = h;
  return {
    ...rest,
    tenant_id: h.project_id,
    pools: [{ id: pool_id }],
    http_version: h.type.startsWith('HTTP') ? 1.0 : null,
    domain_name: null,
  };
}
