import { randomUUID } from 'node:crypto';
import { CloudResource } from '../../domain/entities';
import { orderReconcileWorkflow } from '../../workflows/order-reconcile';
import { resourceWorkflowId } from '../../workflows/resource-operation';
import { eventually, startOperateRig, type OperateRig } from './support';

/**
 * Operations on a tenant's resources (`resource-<id>`) end in a state the user sees whatever stops them: a creation
 * cancelled while Cinder makes the volume removes it and returns the quota, an attachment refused past every retry
 * leaves the volume usable with the cause shown, and a creation whose workflow was terminated is settled by the
 * reconciler (run by the order-reconcile schedule). A public image registration (`public-image-*`) that fails before
 * the image is ready removes the image it made from Glance.
 */
describe('resource operation failure envelope (real Temporal, SQLite, simulator)', () => {
  let rig: OperateRig;
  let t: Awaited<ReturnType<OperateRig['tenant']>>;
  beforeAll(async () => {
    rig = await startOperateRig();
    t = await rig.tenant();
  });
  afterEach(() => rig?.sim.cloud.faults.clear());
  afterAll(async () => rig?.close());

  const call = (method: string, path: string, body?: unknown) =>
    rig.p.call(method, `/api/v1${path}`, { token: t.token, body });
  const quota = async () => (await call('GET', `/quotas/${t.tenantId}`)).body;
  /** Cinder's volumes tagged with the record's id (what a creation made for it). */
  const tagged = async (resourceId: string) =>
    (await t.cloud.blockStorage.listVolumes()).filter(
      (v: { metadata?: Record<string, string> }) => v.metadata?.cmp_resource === `cmp:${resourceId}`,
    );
  /**
   * Starts a volume creation whose Cinder create answers late; answers the request and the record once its creation
   * activity runs on the worker (it does not heartbeat, so it goes on to Cinder's POST whatever happens to the
   * workflow). The record is stored before the workflow starts, so earlier a cancel could find no workflow, or one
   * that never asked Cinder.
   */
  const slowCreate = async (name: string) => {
    rig.sim.cloud.faults.add({ method: 'POST', path: '/volumes$', latencyMs: 2500 });
    const answer = call('POST', '/volumes', { name, sizeGb: 2 });
    const record = await eventually(
      () => rig.p.db.orm.em.fork().findOne(CloudResource, { tenantId: t.tenantId, kind: 'volume', name }),
      (r) => !!r,
    );
    const handle = rig.p.temporal.client.workflow.getHandle(resourceWorkflowId(record!.id));
    await eventually(
      () => handle.describe().catch(() => undefined),
      (d) =>
        !!d?.raw.pendingActivities?.some((a) => a.activityType?.name === 'createResourceObject' && a.lastStartedTime),
    );
    return { answer, id: record!.id, handle };
  };

  it('a creation cancelled while Cinder makes the volume removes it, fails the record with the cause, returns the quota', async () => {
    const { answer, id, handle } = await slowCreate('cancelled');
    expect((await quota()).reserved).toMatchObject({ volumes: 1, gigabytes: 2 });
    await handle.cancel();
    const res = await answer;
    expect(res.status).toBe(502);
    expect(res.body.message).toMatch(/cancelled/);

    const shown = await call('GET', `/volumes/${id}`);
    expect(shown.body).toMatchObject({ status: 'error', openstackId: null, error: { type: 'Cancelled' } });
    expect(shown.body.error.message).not.toMatch(/clean-up incomplete/);
    // The volume Cinder made after the cancellation was found by its tag and removed.
    expect(await tagged(id)).toEqual([]);
    expect((await quota()).reserved).toMatchObject({ volumes: 0, gigabytes: 0 });
    expect((await quota()).used).toMatchObject({ volumes: 0, gigabytes: 0 });
  });

  it('a creation and an attachment refused past every retry end visible: failed with quota back, active with the cause', async () => {
    const refused = rig.sim.cloud.faults.add({ method: 'POST', path: '/volumes$', status: 500 });
    const create = await call('POST', '/volumes', { name: 'refused', sizeGb: 1 });
    expect(create.status).toBe(502);
    rig.sim.cloud.faults.remove(refused.id);
    const failed = (await call('GET', '/volumes?status=error')).body.items.find(
      (v: { name: string }) => v.name === 'refused',
    );
    expect(failed).toMatchObject({ status: 'error', error: { type: 'OpenStackServerError' } });
    expect((await quota()).reserved).toMatchObject({ volumes: 0, gigabytes: 0 });

    const vol = await call('POST', '/volumes', { name: 'data', sizeGb: 1 });
    expect(vol.status).toBe(201);
    const vm = await rig.server(t);
    rig.sim.cloud.faults.add({ method: 'POST', path: '/os-volume_attachments$', status: 500 });
    const attach = await call('POST', `/volumes/${vol.body.id}/attach`, { instanceId: vm.id });
    expect(attach.status).toBe(502);
    const after = await call('GET', `/volumes/${vol.body.id}`);
    expect(after.body).toMatchObject({
      status: 'active',
      osStatus: 'available',
      error: { type: 'OpenStackServerError', op: 'attach' },
    });
    // The record is usable again: the next attachment works and clears the cause.
    rig.sim.cloud.faults.clear();
    const again = await call('POST', `/volumes/${vol.body.id}/attach`, { instanceId: vm.id });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ osStatus: 'in-use', error: null });
  });

  it('a creation whose workflow was terminated is settled by the reconciler: volume removed, record failed, quota back', async () => {
    const { answer, id, handle } = await slowCreate('terminated');
    await handle.terminate('operator mistake');
    expect((await answer).status).toBe(502);
    // No workflow code ran: the record still shows provisioning, the quota held, the volume made.
    expect((await call('GET', `/volumes/${id}`)).body.status).toBe('provisioning');
    await eventually(
      () => tagged(id),
      (v) => v.length === 1,
    );
    expect((await quota()).reserved).toMatchObject({ volumes: 1, gigabytes: 2 });

    const summary = await rig.p.temporal.client.workflow.execute(orderReconcileWorkflow, {
      taskQueue: rig.p.deps.queues.orchestration,
      workflowId: `order-reconcile-test-${randomUUID()}`,
      args: [{ graceMs: 0 }],
    });
    expect(summary.resourcesSettled).toEqual([{ resourceId: id, from: 'provisioning' }]);
    expect((await call('GET', `/volumes/${id}`)).body).toMatchObject({
      status: 'error',
      error: { type: 'OperationProcessEnded' },
    });
    expect(await tagged(id)).toEqual([]);
    expect((await quota()).reserved).toMatchObject({ volumes: 0, gigabytes: 0 });
    // A second run finds nothing more to settle.
    const again = await rig.p.temporal.client.workflow.execute(orderReconcileWorkflow, {
      taskQueue: rig.p.deps.queues.orchestration,
      workflowId: `order-reconcile-test-${randomUUID()}`,
      args: [{ graceMs: 0 }],
    });
    expect(again.resourcesSettled).toEqual([]);
  });

  it('a public image registration that fails before the image is ready leaves no image in Glance', async () => {
    const operator = (await rig.p.staff(['operator'])).token;
    const name = `never-ready-${Date.now()}`;
    // Glance registers the image, then its reads fail past the wait's retries.
    rig.sim.cloud.faults.add({ method: 'GET', path: '/images/[0-9a-f-]{36}$', status: 500, remaining: 3 });
    const r = await rig.p.call('POST', '/api/v1/public-images', { token: operator, body: { name, diskFormat: 'raw' } });
    expect(r.status).toBe(502);
    expect(await t.cloud.image.listImages({ name })).toEqual([]);
    // Without a failure the same registration keeps its image.
    const ok = await rig.p.call('POST', '/api/v1/public-images', {
      token: operator,
      body: { name: `${name}-ok`, diskFormat: 'raw' },
    });
    expect(ok.status).toBe(201);
    expect((await t.cloud.image.listImages({ name: `${name}-ok` })).map((i) => i.id)).toEqual([ok.body.id]);
  });
});
