import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../../simulator/server';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { startTestPlatform, type PlatformOptions, type TestPlatform } from '../support/platform';
import { eventually } from '../support/eventually';

export { eventually };

export interface OrderRig {
  p: TestPlatform;
  sim: RunningSimulator;
  operator: string;
  imageId: string;
  flavorId: string;
  close(): Promise<void>;
}

/** The platform wired to an in-process simulator, with a small catalog (flavor, volume, floating IP, network). */
export async function startOrderRig(
  opts: {
    buildMs?: number;
    env?: Record<string, string>;
    platform?: PlatformOptions;
    /** More of the simulator's options (its data plane, say). */
    sim?: Omit<StartSimulatorOptions, 'buildMs' | 'actionMs'>;
  } = {},
): Promise<OrderRig> {
  const sim = await startSimulator({ buildMs: opts.buildMs ?? 100, actionMs: 20, ...opts.sim });
  const p = await startTestPlatform({
    ...opts.platform,
    env: { ORDER_AUTO_APPROVE_TRUSTED: 'false', ...opts.env },
    activityDeps: {
      provision: simulatorProvisionSettings(sim.url),
      // Isolation limits (operators' caps on tenants' products) run with the autoscaling account.
      autoscaling: { openstack: simulatorProvisionSettings(sim.url) },
      ...opts.platform?.activityDeps,
    },
  });
  const operator = (await p.staff(['operator'])).token;
  const mk = async (body: Record<string, unknown>) => {
    const r = await p.call('POST', '/api/v1/catalog/products', { token: operator, body });
    if (r.status !== 201) throw new Error(`product: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  };
  const flavorId = await mk({
    kind: 'flavor',
    name: `m1.small-${Date.now()}`,
    vcpus: 2,
    ramMb: 2048,
    diskGb: 10,
    bandwidthMbps: 100,
    hourlyPrice: 0.05,
    monthlyPrice: 30,
  });
  await mk({ kind: 'volume', name: `volume-gb-${Date.now()}`, hourlyPrice: 0.0002, monthlyPrice: 0.1 });
  await mk({ kind: 'floating_ip', name: `fip-${Date.now()}`, hourlyPrice: 0.005, monthlyPrice: 3 });
  await mk({ kind: 'network', name: `net-${Date.now()}`, hourlyPrice: 0, monthlyPrice: 0 });
  const images = (sim.cloud.services as unknown as { image: { images: Map<string, { id: string; name: string }> } })
    .image.images;
  const imageId = [...images.values()].find((i) => i.name.startsWith('cirros'))!.id;
  return {
    p,
    sim,
    operator,
    imageId,
    flavorId,
    async close() {
      await p.close();
      await sim.close();
    },
  };
}

export interface SimServer {
  id: string;
  name: string;
  tags: string[];
  deleted: boolean;
  projectId: string;
  metadata: Record<string, string>;
}

/** Live servers the simulator holds. */
export function simServers(sim: RunningSimulator): SimServer[] {
  const compute = (sim.cloud.services as unknown as { compute: { store: { servers: Map<string, SimServer> } } })
    .compute;
  return [...compute.store.servers.values()].filter((s) => !s.deleted);
}
