import type { CloudObject } from '../../domain/operate/drift';
import { isNotFound, type OperateCloud, type OperateService } from './operate-cloud';

type Row = Record<string, any>;

interface Lister {
  kind: string;
  service: OperateService;
  path: string;
  key: string;
  project: (r: Row) => string | null;
  status: (r: Row) => string | null;
  /** How one object is fetched to confirm it is gone. */
  one: (id: string) => string;
}

/** What the reconciler lists, with the admin's all-projects view of each service. */
const listers: Lister[] = [
  { kind: 'server', service: 'compute', path: '/servers/detail?all_tenants=1&limit=1000', key: 'servers', project: (r) => r.tenant_id, status: (r) => r.status, one: (id) => `/servers/${id}` },
  { kind: 'volume', service: 'volumev3', path: '/volumes/detail?all_tenants=1&limit=1000', key: 'volumes', project: (r) => r['os-vol-tenant-attr:tenant_id'] ?? null, status: (r) => r.status, one: (id) => `/volumes/${id}` },
  { kind: 'snapshot', service: 'volumev3', path: '/snapshots/detail?all_tenants=1&limit=1000', key: 'snapshots', project: (r) => r['os-extended-snapshot-attributes:project_id'] ?? null, status: (r) => r.status, one: (id) => `/snapshots/${id}` },
  { kind: 'network', service: 'network', path: '/v2.0/networks', key: 'networks', project: (r) => r.project_id ?? r.tenant_id, status: (r) => r.status, one: (id) => `/v2.0/networks/${id}` },
  { kind: 'subnet', service: 'network', path: '/v2.0/subnets', key: 'subnets', project: (r) => r.project_id ?? r.tenant_id, status: () => null, one: (id) => `/v2.0/subnets/${id}` },
  { kind: 'router', service: 'network', path: '/v2.0/routers', key: 'routers', project: (r) => r.project_id ?? r.tenant_id, status: (r) => r.status, one: (id) => `/v2.0/routers/${id}` },
  { kind: 'floating_ip', service: 'network', path: '/v2.0/floatingips', key: 'floatingips', project: (r) => r.project_id ?? r.tenant_id, status: (r) => r.status, one: (id) => `/v2.0/floatingips/${id}` },
  { kind: 'security_group', service: 'network', path: '/v2.0/security-groups', key: 'security_groups', project: (r) => r.project_id ?? r.tenant_id, status: () => null, one: (id) => `/v2.0/security-groups/${id}` },
  { kind: 'image', service: 'image', path: '/v2/images?limit=1000', key: 'images', project: (r) => (r.visibility === 'public' ? null : r.owner ?? null), status: (r) => r.status, one: (id) => `/v2/images/${id}` },
];

/** OpenStack side of the drift reconciler (admin credentials). */
export function createDriftCloudActivities(cloud: () => Promise<OperateCloud>) {
  return {
    /** Every object of the compared kinds in `projectIds`; `listedAt` is taken before the first call. */
    async listCloudObjects({ projectIds }: { projectIds: string[] }): Promise<{ objects: CloudObject[]; listedAt: string }> {
      const listedAt = new Date().toISOString();
      const wanted = new Set(projectIds);
      const c = await cloud();
      const objects: CloudObject[] = [];
      for (const l of listers) {
        const body = await c.call<Row>(l.service, 'GET', l.path);
        for (const r of (body[l.key] ?? []) as Row[]) {
          const projectId = l.project(r);
          if (!projectId || !wanted.has(projectId)) continue;
          if (l.kind === 'server' && r.status === 'DELETED') continue;
          objects.push({ kind: l.kind, id: String(r.id), name: String(r.name ?? r.floating_ip_address ?? r.cidr ?? ''), projectId, status: l.status(r) });
        }
      }
      return { objects, listedAt };
    },

    async confirmGone({ kind, openstackId }: { kind: string; openstackId: string }): Promise<boolean> {
      const l = listers.find((x) => x.kind === kind);
      if (!l) return false;
      try {
        const body = await (await cloud()).call<Row>(l.service, 'GET', l.one(openstackId));
        const obj = (body[l.key.replace(/s$/, '')] ?? body[kind] ?? body) as Row;
        return obj?.status === 'DELETED' || obj?.status === 'deleted';
      } catch (e) {
        if (isNotFound(e)) return true;
        throw e;
      }
    },
  };
}

export type DriftCloudActivities = ReturnType<typeof createDriftCloudActivities>;
