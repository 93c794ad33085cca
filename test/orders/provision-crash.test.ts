import { CloudResource, Order } from '../../domain/entities';
import {
  killAll,
  killWorkerAndProve,
  pidAlive,
  startWorkerChild,
  workerProcessFile,
  waitPolling,
  type WorkerChild,
} from '../support/processes';
import { eventually, simServers, startOrderRig, type OrderRig } from './support';

describe('provisioning survives a worker killed mid-way', () => {
  let rig: OrderRig;
  const children: WorkerChild[] = [];
  const queues = () => Object.values(rig.p.deps.queues) as string[];
  const startWorker = async () => {
    const w = await startWorkerChild(workerProcessFile, {
      CMP_DATABASE_URL: rig.p.db.url,
      CMP_QUEUE_PREFIX: rig.p.temporal.prefix,
      CMP_SIM_URL: rig.sim.url,
    });
    children.push(w);
    await waitPolling(rig.p.temporal.client, queues(), w.identity);
    return w;
  };
  beforeAll(async () => {
    // No workers in the test process: the order's workers run in child processes.
    rig = await startOrderRig({
      buildMs: 5000,
      env: { ORDER_AUTO_APPROVE_MAX_MONTHLY: '1000' },
      platform: { queues: [] },
    });
  });
  afterAll(async () => {
    await killAll(children);
    await rig?.close();
  });

  it('finishes the order on a second worker, and the simulator holds exactly one server for the item', async () => {
    const { p } = rig;
    const first = await startWorker();
    const user = await p.tenantUser();
    const o = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: {
        items: [
          { kind: 'server', name: 'survivor', flavorId: rig.flavorId, imageId: rig.imageId, volumes: [{ sizeGb: 5 }] },
        ],
      },
    });
    expect(o.status).toBe(201);
    const itemId = o.body.items[0].id as string;
    const tag = `provision-${itemId}.1`;

    // Kill the worker while the server is building (it stays in BUILD for 5 s).
    const building = await eventually(
      () => Promise.resolve(simServers(rig.sim).filter((s) => s.tags.includes(tag))),
      (s) => s.length > 0,
      30000,
    );
    expect(building).toHaveLength(1);
    // The kill is real: the pid is gone and Temporal lists the worker among no queue's pollers.
    await killWorkerAndProve(p.temporal.client, first, queues());
    expect(pidAlive(first.pid)).toBe(false);
    // Nothing finished the item meanwhile: the order is still provisioning.
    expect((await p.db.orm.em.fork().findOneOrFail(Order, { id: o.body.id })).status).toBe('provisioning');

    await startWorker();
    const done = await eventually(
      () => p.call('GET', `/api/v1/orders/${o.body.id}`, { token: user.token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      90000,
    );
    expect(done.body.failure).toBeNull();
    expect(done.body.status).toBe('delivered');
    expect(done.body.progress.items[0].attempts).toBe(1);

    const servers = simServers(rig.sim).filter((s) => s.tags.includes(tag) || s.metadata.cmp_item === itemId);
    expect(servers).toHaveLength(1);
    expect(servers[0].id).toBe(done.body.items[0].resources.serverId);
    const records = await p.db.orm.em.fork().find(CloudResource, { orderItemId: itemId, kind: 'server' });
    expect(records).toHaveLength(1);
    expect(records[0].status).toBe('active');
  }, 150000);
});
