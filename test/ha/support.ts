import type { WorkflowHandle } from '@temporalio/client';
import { openCloud, type CloudAccount, type OpenStackClient } from '../../activities/openstack';
import type { HaActivitySettings } from '../../activities/openstack/ha';
import type { EvacuateInput, EvacuationProgress } from '../../workflows/evacuate';
import type { TestPlatform } from '../support/platform';
import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../../simulator/server';
import { eventually } from '../support/eventually';

export { eventually };

/** The evacuation's progress once it has done its work and waits for the operator's release. */
export const untilAwaitingRelease = (handle: WorkflowHandle, ms = 60_000) =>
  eventually(
    () => handle.query<EvacuationProgress>('progress'),
    (q) => q.phase === 'awaiting_release',
    ms,
    250,
  );

/** Starts `evacuate-<hostname>` as an operator's evacuation would (three at once, two attempts, 20 s a server). */
export const startEvacuation = (p: TestPlatform, hostname: string) =>
  p.temporal.client.workflow.start('evacuateWorkflow', {
    taskQueue: p.deps.queues.orchestration,
    workflowId: `evacuate-${hostname}`,
    args: [
      {
        hostname,
        failedAt: new Date().toISOString(),
        trigger: 'operator',
        concurrency: 3,
        maxAttempts: 2,
        serverTimeoutMs: 20_000,
      } satisfies EvacuateInput,
    ],
  });

export interface HaSim {
  sim: RunningSimulator;
  /** The workers' service account on the simulator. */
  account: CloudAccount;
  /** Its admin client (the scope HA works in). */
  cloud: OpenStackClient;
  /** HA activity settings on this simulator: its account, fast polling, every host fenced through its power API. */
  ha: HaActivitySettings;
  /** The host's chassis power as the simulator's BMC reports it. */
  power(host: string): Promise<'on' | 'off'>;
  imageId: string;
  admin(method: string, path: string, body?: unknown): Promise<any>;
  /** Boots `count` servers forced onto `host` and waits until all are ACTIVE. */
  seed(
    host: string,
    count: number,
    opts?: { prefix?: string; flavorRef?: string; metadata?: (i: number) => Record<string, string> },
  ): Promise<string[]>;
  server(id: string): Promise<{ id: string; status: string; host: string; taskState: string | null }>;
  evacuateActions(id: string): Promise<number>;
  close(): Promise<void>;
}

/** The simulator with unlimited admin quota, short durations, and helpers to seed and inspect servers. */
export async function startHaSim(opts: StartSimulatorOptions = {}): Promise<HaSim> {
  const sim = await startSimulator({
    hosts: 4,
    buildMs: 20,
    migrateMs: 300,
    evacuateMs: 200,
    actionMs: 20,
    heartbeatTimeoutMs: 300,
    computeQuota: { instances: -1, cores: -1, ram: -1 },
    ...opts,
  });
  const account: CloudAccount = {
    authUrl: `${sim.url}/identity/v3`,
    username: 'admin',
    password: 'secret',
    projectName: 'admin',
  };
  const cloud = openCloud(account).admin();
  const images = await fetch(`${sim.url}/image/v2/images`, { headers: { 'x-auth-token': await token(sim.url) } }).then(
    (r) => r.json() as Promise<{ images: Array<{ id: string; name: string }> }>,
  );
  const imageId = images.images.find((i) => i.name.startsWith('cirros'))!.id;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}/sim-admin${path}`, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`sim-admin ${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const server = async (id: string) => {
    const s = await cloud.compute.getServer(id);
    return {
      id: s.id,
      status: s.status,
      host: s['OS-EXT-SRV-ATTR:host']!,
      taskState: s['OS-EXT-STS:task_state'] ?? null,
    };
  };
  return {
    sim,
    account,
    cloud,
    ha: { account, pollMs: 100, fencing: { '*': { driver: 'simulator' } }, fenceTimeoutMs: 5000 },
    power: async (host) => (await admin('GET', `/hosts/${host}/power`)).power,
    imageId,
    admin,
    server,
    async seed(host, count, o = {}) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const r = await cloud.compute.createServer({
          name: `${o.prefix ?? host}-vm-${String(i).padStart(3, '0')}`,
          imageRef: imageId,
          flavorRef: o.flavorRef ?? '1',
          networks: 'none',
          availability_zone: `nova:${host}`,
          metadata: o.metadata?.(i) ?? {},
        });
        ids.push(r.id);
      }
      const all = await eventually(
        () => Promise.all(ids.map(server)),
        (ss) => ss.every((s) => s.status === 'ACTIVE'),
        20000,
        50,
      );
      const wrong = all.filter((s) => s.status !== 'ACTIVE' || s.host !== host);
      if (wrong.length) throw new Error(`seeding ${host}: ${JSON.stringify(wrong.slice(0, 3))}`);
      return ids;
    },
    async evacuateActions(id) {
      const acts = await cloud.compute.listInstanceActions(id);
      return acts.filter((a) => a.action === 'evacuate').length;
    },
    close: () => sim.close(),
  };
}

async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', password: 'secret', domain: { name: 'Default' } } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    }),
  });
  return res.headers.get('x-subject-token')!;
}
