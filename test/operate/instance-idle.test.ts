import { instanceWorkflowId } from '../../workflows/instance-action';
import { eventually, startOperateRig, type OperateRig } from './support';

describe("a server's process after it went idle (simulator + real Temporal)", () => {
  let rig: OperateRig;
  beforeAll(async () => {
    rig = await startOperateRig({ INSTANCE_WORKFLOW_IDLE_SECONDS: '1' });
  });
  afterAll(async () => rig?.close());

  it('ends when idle and is started again by the next request', async () => {
    const owner = await rig.tenant();
    const vm = await rig.server(owner);
    const act = (body: unknown) =>
      rig.p.call('POST', `/api/v1/instances/${vm.id}/actions`, { token: owner.token, body });
    const first = await act({ action: 'stop' });
    expect(first.status).toBe(202);
    const handle = rig.p.temporal.client.workflow.getHandle(instanceWorkflowId(vm.id));
    const closed = await eventually(
      () => handle.describe().then((d) => d.status.name),
      (s) => s === 'COMPLETED',
    );
    expect(closed).toBe('COMPLETED');
    // The ended run still answers its progress.
    const progress = await rig.p.call('GET', `/api/v1/instances/${vm.id}/actions`, { token: owner.token });
    expect(progress.body.history[0]).toMatchObject({ id: first.body.id, status: 'succeeded' });

    const second = await act({ action: 'start' });
    expect(second.status).toBe(202);
    const done = await eventually(
      () => rig.p.call('GET', `/api/v1/instances/${vm.id}/actions`, { token: owner.token }),
      (r) => r.body.history?.[0]?.id === second.body.id,
    );
    expect(done.body.history[0].status).toBe('succeeded');
  });
});
