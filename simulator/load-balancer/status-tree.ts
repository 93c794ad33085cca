import type { Caller } from './model';
import type { LoadBalancerService } from './service';

const st = (r: { id: string; name: string; provisioning_status: string; operating_status: string }) => ({
  id: r.id,
  name: r.name,
  provisioning_status: r.provisioning_status,
  operating_status: r.operating_status,
});

/** `GET /loadbalancers/{id}/status`: the load balancer with its listeners, pools, monitors and members. */
export function statusTree(svc: LoadBalancerService, caller: Caller, lbId: string) {
  const lb = svc.lb(caller, lbId);
  const poolTree = (poolId: string) => {
    const p = svc.pools.get(poolId)!;
    const hm = p.healthmonitor_id ? svc.healthmonitors.get(p.healthmonitor_id) : undefined;
    return {
      ...st(p),
      ...(hm ? { health_monitor: { ...st(hm), type: hm.type } } : {}),
      members: [...svc.members.values()]
        .filter((m) => m.pool_id === p.id)
        .map((m) => ({ ...st(m), address: m.address, protocol_port: m.protocol_port })),
    };
  };
  const listeners = [...svc.listeners.values()]
    .filter((l) => l.loadbalancer_id === lb.id)
    .map((l) => {
      const pools = [...svc.pools.values()].filter((p) => p.listener_id === l.id || p.id === l.default_pool_id);
      return { ...st(l), pools: pools.map((p) => poolTree(p.id)) };
    });
  const orphanPools = [...svc.pools.values()]
    .filter((p) => p.loadbalancer_id === lb.id && !p.listener_id)
    .map((p) => poolTree(p.id));
  return { statuses: { loadbalancer: { ...st(lb), listeners, pools: orphanPools } } };
}
