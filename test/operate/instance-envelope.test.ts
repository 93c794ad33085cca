import { readQuota } from '../../activities/db/quota-store';
import { instanceWorkflowId } from '../../workflows/instance-action';
import { eventually, startOperateRig, type OperateRig } from './support';

/**
 * The per-server workflow (`server-<id>`) cancelled while a resize is under way gives the resize's reservation back
 * and records the action failed; the server's progress stays readable and shows it idle.
 */
describe('instance operations failure envelope (real Temporal, SQLite, simulator)', () => {
  let rig: OperateRig;
  let owner: Awaited<ReturnType<OperateRig['tenant']>>;
  let operator: string;
  beforeAll(async () => {
    rig = await startOperateRig();
    owner = await rig.tenant();
    operator = (await rig.p.staff(['operator'])).token;
  });
  afterAll(async () => rig?.close());

  const act = (id: string, body: unknown) =>
    rig.p.call('POST', `/api/v1/instances/${id}/actions`, { token: owner.token, body });
  const progress = async (id: string) =>
    (await rig.p.call('GET', `/api/v1/instances/${id}/actions`, { token: owner.token })).body;
  const quota = () => readQuota(rig.p.db.orm, owner.tenantId);

  it('a cancellation during a resize returns its reservation and leaves the action failed and the server idle', async () => {
    const flavorId = await rig.catalogFlavor(operator, 'resize-cancel');
    const vm = await rig.server(owner);
    const q0 = await quota();
    // Nova takes the resize late: the cancellation arrives while it is asked.
    await rig.fault({ method: 'POST', path: `^/compute/v2.1/servers/${vm.openstackId}/action$`, latencyMs: 2000 });
    const r = await act(vm.id, { action: 'resize', flavorId });
    expect(r.status).toBe(202);
    expect((await quota()).reserved.vcpus - q0.reserved.vcpus).toBe(1);
    await rig.p.temporal.client.workflow.getHandle(instanceWorkflowId(vm.id)).cancel();
    const ended = await eventually(
      () => progress(vm.id),
      (x) => x.history?.some((a: { id: string }) => a.id === r.body.id),
    );
    await rig.clearFaults();
    expect(ended).toMatchObject({ state: 'idle', current: null });
    expect(ended.history.find((a: { id: string }) => a.id === r.body.id)).toMatchObject({ status: 'failed' });
    const q1 = await quota();
    expect(q1.reserved).toMatchObject({ vcpus: q0.reserved.vcpus, ramMb: q0.reserved.ramMb });
  });
});
