import { randomUUID } from 'node:crypto';
import { readQuota } from '../../activities/db/quota-store';
import { CloudResource, QuotaReservation } from '../../domain/entities';
import { instanceWorkflowId } from '../../workflows/instance-action';
import { orderReconcileWorkflow } from '../../workflows/order-reconcile';
import { eventually, startOperateRig, type OperateRig } from './support';

/**
 * A per-server workflow (`server-<id>`) terminated mid-resize or mid-unshelve runs no code to settle what the action
 * holds: the order-reconcile schedule finds the reservation, follows Nova (a resize waiting for confirmation gives its
 * reservation back, an unshelve Nova finished is recorded), keeps the action failed with the cause `terminated` on the
 * record and shows it in the server's progress. A reservation whose workflow still runs is left alone.
 */
describe('server actions of a terminated server workflow, settled by the reconciler (real Temporal, SQLite, simulator)', () => {
  let rig: OperateRig;
  let owner: Awaited<ReturnType<OperateRig['tenant']>>;
  let flavorId: string;
  beforeAll(async () => {
    rig = await startOperateRig();
    owner = await rig.tenant();
    const operator = (await rig.p.staff(['operator'])).token;
    flavorId = await rig.catalogFlavor(operator, 'resize-terminated');
  });
  afterEach(() => rig?.clearFaults());
  afterAll(async () => rig?.close());

  const act = (id: string, body: unknown) =>
    rig.p.call('POST', `/api/v1/instances/${id}/actions`, { token: owner.token, body });
  const progress = async (id: string) =>
    (await rig.p.call('GET', `/api/v1/instances/${id}/actions`, { token: owner.token })).body;
  const quota = () => readQuota(rig.p.db.orm, owner.tenantId);
  const reservation = (key: string) => rig.p.db.orm.em.fork().findOne(QuotaReservation, { orderId: key });
  /** Nova's server once the late request reached it and it stopped changing in `status`. */
  const novaSettled = (serverId: string, status: string) =>
    eventually(
      () => owner.cloud.compute.getServer(serverId),
      (s) => !s['OS-EXT-STS:task_state'] && s.status === status,
    );
  const reconcile = () =>
    rig.p.temporal.client.workflow.execute(orderReconcileWorkflow, {
      taskQueue: rig.p.deps.queues.orchestration,
      workflowId: `order-reconcile-test-${randomUUID()}`,
      args: [{ graceMs: 0 }],
    });
  /** Asks for the action while Nova takes it late, and terminates the server's workflow while Nova is asked. */
  const terminatedDuring = async (id: string, serverId: string, body: unknown) => {
    await rig.fault({ method: 'POST', path: `^/compute/v2.1/servers/${serverId}/action$`, latencyMs: 1500, count: 1 });
    const r = await act(id, body);
    expect(r.status).toBe(202);
    const handle = rig.p.temporal.client.workflow.getHandle(instanceWorkflowId(id));
    await eventually(
      () => handle.describe(),
      (d) => !!d.raw.pendingActivities?.some((a) => a.activityType?.name === 'submitServerAction'),
    );
    await handle.terminate('operator mistake');
    return r.body as { id: string };
  };

  it('a resize whose workflow was terminated gives its reservation back and shows failed; a running one is left alone', async () => {
    const q0 = await quota();
    // A resize left waiting for confirmation by a workflow that still runs: its reservation is not the reconciler's.
    const kept = await rig.server(owner);
    const waiting = await act(kept.id, { action: 'resize', flavorId });
    expect(waiting.status).toBe(202);
    await eventually(
      () => progress(kept.id),
      (p) => !!p.resize,
    );

    const vm = await rig.server(owner);
    const action = await terminatedDuring(vm.id, vm.openstackId!, { action: 'resize', flavorId });
    expect((await reservation(action.id))?.state).toBe('reserved');
    // Nova made the resize, which now waits for a confirm no workflow will send (a later confirm_resize reserves again).
    await novaSettled(vm.openstackId!, 'VERIFY_RESIZE');

    const summary = await reconcile();
    expect(summary.serverActionsSettled).toEqual([
      { resourceId: vm.id, key: action.id, action: 'resize', outcome: 'released' },
    ]);
    expect((await reservation(action.id))?.state).toBe('released');
    expect((await reservation(waiting.body.id))?.state).toBe('reserved');
    // Only the kept resize (one vCPU and 512 MB more) is still reserved.
    const q1 = await quota();
    expect(q1.reserved).toMatchObject({ vcpus: q0.reserved.vcpus + 1, ramMb: q0.reserved.ramMb + 512 });

    const shown = await progress(vm.id);
    expect(shown.current).toBeNull();
    expect(shown.state).toBe('idle');
    expect(shown.history.find((a: { id: string }) => a.id === action.id)).toMatchObject({
      action: 'resize',
      status: 'failed',
      error: { type: 'terminated' },
    });
    const record = await rig.p.call('GET', `/api/v1/instances/${vm.id}`, { token: owner.token });
    expect(record.body.osStatus).toBe('VERIFY_RESIZE');
    // A second run finds nothing left to settle.
    expect((await reconcile()).serverActionsSettled).toEqual([]);

    // The server still waits in VERIFY_RESIZE: a confirm (a fresh workflow) reserves the growth again and records it.
    for (const id of [vm.id, kept.id]) {
      const confirm = await act(id, { action: 'confirm_resize' });
      expect(confirm.status).toBe(202);
      const done = await eventually(
        () => progress(id),
        (p) =>
          p.history?.some((a: { id: string; status: string }) => a.id === confirm.body.id && a.status !== 'running'),
      );
      expect(done.history.find((a: { id: string }) => a.id === confirm.body.id)).toMatchObject({ status: 'succeeded' });
    }
    const q2 = await quota();
    expect(q2.reserved).toMatchObject({ vcpus: q0.reserved.vcpus, ramMb: q0.reserved.ramMb });
    expect(q2.used).toMatchObject({ vcpus: q0.used.vcpus + 4, ramMb: q0.used.ramMb + 2048 });
    // Every action recorded done: no server notes a held action any more.
    for (const id of [vm.id, kept.id])
      expect((await rig.p.db.orm.em.fork().findOneOrFail(CloudResource, { id })).spec.heldActions).toEqual({});
  });

  it('an unshelve whose workflow was terminated after Nova took it is recorded unshelved and shows failed', async () => {
    const vm = await rig.server(owner);
    const shelve = await act(vm.id, { action: 'shelve' });
    expect(shelve.status).toBe(202);
    await eventually(
      () => progress(vm.id),
      (p) =>
        p.history?.some((a: { id: string; status: string }) => a.id === shelve.body.id && a.status === 'succeeded'),
    );
    const q0 = await quota();
    const action = await terminatedDuring(vm.id, vm.openstackId!, { action: 'unshelve' });
    expect((await quota()).reserved.vcpus - q0.reserved.vcpus).toBe(1);
    await novaSettled(vm.openstackId!, 'ACTIVE');

    const summary = await reconcile();
    expect(summary.serverActionsSettled).toEqual([
      { resourceId: vm.id, key: action.id, action: 'unshelve', outcome: 'unshelved' },
    ]);
    expect((await reservation(action.id))?.state).toBe('committed');
    const q1 = await quota();
    expect(q1.reserved).toMatchObject({ vcpus: q0.reserved.vcpus, ramMb: q0.reserved.ramMb });
    expect(q1.used).toMatchObject({ vcpus: q0.used.vcpus + 1, ramMb: q0.used.ramMb + 512 });
    expect((await progress(vm.id)).history[0]).toMatchObject({
      id: action.id,
      status: 'failed',
      error: { type: 'terminated' },
    });
    const record = await rig.p.call('GET', `/api/v1/instances/${vm.id}`, { token: owner.token });
    expect(record.body.osStatus).toBe('ACTIVE');
  });
});
