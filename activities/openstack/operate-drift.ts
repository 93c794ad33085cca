import type { CloudObject } from '../../domain/operate/drift';
import type { OpenStackClient } from './client';
import type { Cloud } from './cloud';
import type { Server } from './compute';
import { isNotFound } from './errors';
import { stateOf } from './operate-resources';
import { serverSnapshotOf } from './operate-servers';

type Row = Record<string, any>;

interface Lister {
  kind: string;
  /** Every object of the kind in every project (the admin's view), all pages. */
  list: (c: OpenStackClient) => Promise<Row[]>;
  get: (c: OpenStackClient, id: string) => Promise<Row>;
  project: (r: Row) => string | null;
  status: (r: Row) => string | null;
  /** The record's attributes of the object (the same view the operate workflows write). */
  view?: (r: Row) => Record<string, unknown>;
}

const neutronProject = (r: Row) => r.project_id ?? r.tenant_id ?? null;

/** What the reconciler lists, with the admin's all-projects view of each service. */
const listers: Lister[] = [
  {
    kind: 'server',
    list: (c) => c.compute.listServers({ all_tenants: 1 }),
    get: (c, id) => c.compute.getServer(id),
    project: (r) => r.tenant_id ?? null,
    status: (r) => r.status,
    view: (r) => ({ ...serverSnapshotOf(r as Server) }),
  },
  {
    kind: 'volume',
    list: (c) => c.blockStorage.listVolumes({ all_tenants: 1 }),
    get: (c, id) => c.blockStorage.getVolume(id),
    project: (r) => r['os-vol-tenant-attr:tenant_id'] ?? null,
    status: (r) => r.status,
    view: (r) => stateOf('volume', r).attributes,
  },
  {
    kind: 'snapshot',
    list: (c) => c.blockStorage.listSnapshots({ all_tenants: 1 }),
    get: (c, id) => c.blockStorage.getSnapshot(id),
    project: (r) => r['os-extended-snapshot-attributes:project_id'] ?? null,
    status: (r) => r.status,
    view: (r) => stateOf('snapshot', r).attributes,
  },
  {
    kind: 'network',
    list: (c) => c.network.listNetworks(),
    get: (c, id) => c.network.getNetwork(id),
    project: neutronProject,
    status: (r) => r.status,
    view: (r) => stateOf('network', r).attributes,
  },
  {
    kind: 'subnet',
    list: (c) => c.network.listSubnets(),
    get: (c, id) => c.network.getSubnet(id),
    project: neutronProject,
    status: () => null,
    view: (r) => stateOf('subnet', r).attributes,
  },
  {
    kind: 'router',
    list: (c) => c.network.listRouters(),
    get: (c, id) => c.network.getRouter(id),
    project: neutronProject,
    status: (r) => r.status,
    view: (r) => stateOf('router', r).attributes,
  },
  {
    kind: 'floating_ip',
    list: (c) => c.network.listFloatingIps(),
    get: (c, id) => c.network.getFloatingIp(id),
    project: neutronProject,
    status: (r) => r.status,
    view: (r) => stateOf('floating_ip', r).attributes,
  },
  {
    kind: 'security_group',
    list: (c) => c.network.listSecurityGroups(),
    get: (c, id) => c.network.getSecurityGroup(id),
    project: neutronProject,
    status: () => null,
    view: (r) => stateOf('security_group', r).attributes,
  },
  {
    kind: 'image',
    list: (c) => c.image.listImages(),
    get: (c, id) => c.image.getImage(id),
    project: (r) => (r.visibility === 'public' ? null : (r.owner ?? null)),
    status: (r) => r.status,
  },
];

/** OpenStack side of the drift reconciler (the admin scope: every project's objects). */
export function createDriftCloudActivities(cloud: Cloud) {
  return {
    /** Every object of the compared kinds in `projectIds`; `listedAt` is taken before the first call. */
    async listCloudObjects({
      projectIds,
    }: {
      projectIds: string[];
    }): Promise<{ objects: CloudObject[]; listedAt: string }> {
      const listedAt = new Date().toISOString();
      const wanted = new Set(projectIds);
      const c = cloud.admin();
      const objects: CloudObject[] = [];
      for (const l of listers) {
        for (const r of await l.list(c)) {
          const projectId = l.project(r);
          if (!projectId || !wanted.has(projectId)) continue;
          if (l.kind === 'server' && r.status === 'DELETED') continue;
          objects.push({
            kind: l.kind,
            id: String(r.id),
            name: String(r.name ?? r.floating_ip_address ?? r.cidr ?? ''),
            projectId,
            status: l.status(r),
            ...(l.view ? { attributes: l.view(r) } : {}),
          });
        }
      }
      return { objects, listedAt };
    },

    async confirmGone({ kind, openstackId }: { kind: string; openstackId: string }): Promise<boolean> {
      const l = listers.find((x) => x.kind === kind);
      if (!l) return false;
      try {
        const obj = await l.get(cloud.admin(), openstackId);
        return obj?.status === 'DELETED' || obj?.status === 'deleted';
      } catch (e) {
        if (isNotFound(e)) return true;
        throw e;
      }
    },
  };
}

export type DriftCloudActivities = ReturnType<typeof createDriftCloudActivities>;
