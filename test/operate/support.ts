import { reserveQuota, settleReservation } from '../../activities/db/quota-store';
import { openCloud, type CloudAccount, type OpenStackClient } from '../../activities/openstack';
import { ensureTenantProject } from '../../activities/openstack/provision-project';
import { CloudResource } from '../../domain/entities';
import { zeroAmounts } from '../../domain/quota/resources';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually } from '../support/eventually';

export { eventually };

export interface OperateRig {
  sim: RunningSimulator;
  p: TestPlatform;
  settings: CloudAccount;
  /** The seeded small public image (fits m1.tiny and a 1 GB volume). */
  imageId: string;
  /** A tenant with an active user and its own Keystone project. */
  tenant(): Promise<{ token: string; tenantId: string; projectId: string; cloud: OpenStackClient }>;
  /** A server made directly in the tenant's project (as provisioning would), recorded as the tenant's resource using one instance of quota. */
  server(t: { tenantId: string; cloud: OpenStackClient }, name?: string, networkId?: string): Promise<CloudResource>;
  /** A catalog flavor product (2 vCPUs, 1 GB RAM, 1 GB disk unless told) made by `token` (an operator); answers its id. */
  catalogFlavor(token: string, name: string, size?: { vcpus: number; ramMb: number; diskGb: number }): Promise<string>;
  fault(rule: {
    method?: string;
    path: string;
    status?: number;
    count?: number;
    latencyMs?: number;
    lostReply?: boolean;
  }): Promise<string>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

/** The simulator as the cloud, the platform with every worker, operate activities pointed at the simulator's admin. */
export async function startOperateRig(env: Record<string, string> = {}): Promise<OperateRig> {
  const sim = await startSimulator({ buildMs: 50, actionMs: 50 });
  const settings: CloudAccount = {
    authUrl: `${sim.url}/identity/v3`,
    username: 'admin',
    password: 'secret',
    projectName: 'admin',
  };
  const p = await startTestPlatform({
    env: { DRIFT_INTERVAL_MINUTES: '0', ...env },
    activityDeps: { operate: settings },
  });
  const cloud = openCloud(settings);
  const admin = cloud.admin();
  const flavors = await admin.compute.listFlavors();
  const flavor = flavors.find((f) => f.name === 'm1.tiny') ?? flavors[0]!;
  const image = (await admin.image.listImages({ status: 'active' })).find((i) => String(i.name).startsWith('cirros'))!;
  const provider = (await admin.network.listNetworks({ name: 'provider' }))[0]!;

  return {
    sim,
    p,
    settings,
    imageId: image.id,
    async tenant() {
      const u = await p.tenantUser();
      const { projectId } = await ensureTenantProject(p.db.orm, cloud, u.tenantId);
      return { token: u.token, tenantId: u.tenantId, projectId, cloud: cloud.tenant(projectId) };
    },
    async server(t, name = `vm-${Date.now()}`, networkId = provider.id) {
      const { id } = await t.cloud.compute.createServer({
        name,
        flavorRef: flavor.id,
        imageRef: image.id,
        networks: [{ uuid: networkId }],
      });
      await eventually(
        () => t.cloud.compute.getServer(id),
        (s) => s.status === 'ACTIVE',
      );
      const orderKey = crypto.randomUUID();
      const quota = { ...zeroAmounts(), instances: 1, vcpus: 1, ramMb: 512 };
      await reserveQuota(p.db.orm, t.tenantId, orderKey, quota);
      await settleReservation(p.db.orm, orderKey, 'commit');
      const em = p.db.orm.em.fork();
      const r = Object.assign(new CloudResource(), {
        tenantId: t.tenantId,
        kind: 'server' as const,
        openstackId: id,
        name,
        status: 'active' as const,
        osStatus: 'ACTIVE',
        spec: { quota },
      });
      await em.persistAndFlush(r);
      return r;
    },
    async catalogFlavor(token, name, size = { vcpus: 2, ramMb: 1024, diskGb: 1 }) {
      const r = await p.call('POST', '/api/v1/catalog/products', {
        token,
        body: {
          kind: 'flavor',
          name: `${name}-${Date.now()}`,
          ...size,
          bandwidthMbps: 100,
          hourlyPrice: 0.04,
          monthlyPrice: 28.8,
        },
      });
      if (r.status !== 201) throw new Error(`flavor product: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    },
    async fault(rule) {
      const res = await fetch(`${sim.url}/sim-admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rule),
      });
      if (res.status !== 201) throw new Error(`fault injection failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { fault: { id: string } }).fault.id;
    },
    async clearFaults() {
      await fetch(`${sim.url}/sim-admin/faults`, { method: 'DELETE' });
    },
    async close() {
      await p?.close();
      await sim?.close();
    },
  };
}
