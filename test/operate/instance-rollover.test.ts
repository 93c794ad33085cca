import { readQuota } from '../../activities/db/quota-store';
import { CloudResource } from '../../domain/entities';
import { instanceWorkflowId } from '../../workflows/instance-action';
import { eventually, startOperateRig, type OperateRig } from './support';

/**
 * The per-server workflow continuing as new after every action (a tiny threshold stands for
 * Temporal's continueAsNewSuggested), with a one-second resize confirmation window.
 */
describe("a server's process handing over to its next run (simulator + real Temporal)", () => {
  let rig: OperateRig;
  let owner: Awaited<ReturnType<OperateRig['tenant']>>;
  beforeAll(async () => {
    rig = await startOperateRig({ INSTANCE_WORKFLOW_ACTIONS_PER_RUN: '1', INSTANCE_RESIZE_CONFIRM_SECONDS: '1' });
    owner = await rig.tenant();
  });
  afterAll(async () => rig?.close());

  const act = (id: string, body: unknown) =>
    rig.p.call('POST', `/api/v1/instances/${id}/actions`, { token: owner.token, body });
  const progress = async (id: string) =>
    (await rig.p.call('GET', `/api/v1/instances/${id}/actions`, { token: owner.token })).body;
  const finished = async (id: string, actionId: string) =>
    (
      await eventually(
        () => progress(id),
        (p) => p.history?.some((a: { id: string; status: string }) => a.id === actionId),
      )
    ).history.find((a: { id: string }) => a.id === actionId);

  it('never drops an action accepted while the run waits for its handlers before continuing as new', async () => {
    const vm = await rig.server(owner);
    const handle = rig.p.temporal.client.workflow.getHandle(instanceWorkflowId(vm.id));
    // A console request that takes long keeps a handler running when the first action ends.
    await rig.fault({
      method: 'POST',
      path: `^/compute/v2.1/servers/${vm.openstackId}/remote-consoles$`,
      latencyMs: 4000,
    });
    try {
      const console = rig.p.call('POST', `/api/v1/instances/${vm.id}/console`, { token: owner.token, body: {} });
      // The console's state check (ACTIVE) is quick; its remote-console call then takes 4 s.
      await new Promise((r) => setTimeout(r, 500));
      const firstRun = (await handle.describe()).runId;
      const stop = await act(vm.id, { action: 'stop' });
      expect(stop.status).toBe(202);
      expect((await finished(vm.id, stop.body.id)).status).toBe('succeeded');
      // The run has done its one action and waits for the console handler before it continues as new.
      expect((await handle.describe()).runId).toBe(firstRun);
      const start = await act(vm.id, { action: 'start' });
      expect(start.status).toBe(202);
      // Nova may refuse the console by then (the server is SHUTOFF): what matters is that its handler ended.
      expect([200, 409]).toContain((await console).status);
      const done = await finished(vm.id, start.body.id);
      expect(done.status).toBe('succeeded');
      expect((await handle.describe()).runId).not.toBe(firstRun);
      const history = (await progress(vm.id)).history.map((a: { id: string }) => a.id);
      expect(history.slice(0, 2)).toEqual([start.body.id, stop.body.id]);
      expect((await owner.cloud.compute.getServer(vm.openstackId!)).status).toBe('ACTIVE');
    } finally {
      await rig.clearFaults();
    }
  });

  it('confirms a resize left unconfirmed past the window, across runs, with the new flavor and price recorded', async () => {
    const operator = (await rig.p.staff(['operator'])).token;
    const product = await rig.p.call('POST', '/api/v1/catalog/products', {
      token: operator,
      body: {
        kind: 'flavor',
        name: `auto-confirm-${Date.now()}`,
        vcpus: 2,
        ramMb: 1024,
        diskGb: 1,
        bandwidthMbps: 10,
        hourlyPrice: 0.03,
        monthlyPrice: 20,
      },
    });
    expect(product.status).toBe(201);
    const vm = await rig.server(owner);
    const q0 = await readQuota(rig.p.db.orm, owner.tenantId);
    const resize = await act(vm.id, { action: 'resize', flavorId: product.body.id });
    expect(resize.status).toBe(202);
    expect((await finished(vm.id, resize.body.id)).status).toBe('succeeded');
    const auto = await eventually(
      () => progress(vm.id),
      (p) => p.history?.[0]?.action === 'confirm_resize' && p.history[0].status === 'succeeded',
    );
    expect(auto.history[0].requestedBy).toBe('system:resize-confirm-window');
    expect(auto.resize ?? null).toBeNull();
    expect((await owner.cloud.compute.getServer(vm.openstackId!)).status).toBe('ACTIVE');
    const row = await rig.p.db.orm.em.fork().findOneOrFail(CloudResource, { id: vm.id });
    expect(row.spec).toMatchObject({ flavorId: product.body.id, price: { hourly: 0.03, monthly: 20 } });
    const q1 = await readQuota(rig.p.db.orm, owner.tenantId);
    expect(q1.used.vcpus - q0.used.vcpus).toBe(1);
    expect(q1.reserved.vcpus).toBe(q0.reserved.vcpus);
  });
});
