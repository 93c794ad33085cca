import { startTestPlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/eventually';

/** Operators see the latest rating runs through the API: what a run rated, or why it did not rate. */
describe('billing rating runs as operators see them (real Temporal)', () => {
  let p: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: ['orchestration'], env: { RATING_INTERVAL_MINUTES: '0' } });
    admin = await p.adminToken();
  });
  afterAll(async () => p?.close());

  const runs = () => p.call('GET', '/api/v1/billing/rating-runs?limit=5', { token: admin });
  const runOf = (r: Awaited<ReturnType<typeof runs>>, id: string) =>
    (r.body.items as Array<{ workflowId: string; status: string }>).find((x) => x.workflowId === id);

  it('shows a completed run with what it rated, and an ended one with its cause', async () => {
    const done = await p.call('POST', '/api/v1/billing/rating-runs', { token: admin });
    expect(done.status).toBe(202);
    await p.temporal.client.workflow.getHandle(done.body.workflowId).result();
    const listed = await waitFor('the run listed', runs, (r) => runOf(r, done.body.workflowId) !== undefined);
    expect(runOf(listed, done.body.workflowId)).toMatchObject({
      status: 'completed',
      failure: null,
      closedAt: expect.any(String),
      summary: { metered: expect.any(Number), charges: 0, bills: expect.any(Number) },
    });

    // The run to end is asked for while no worker runs: with nothing to rate it would otherwise complete first.
    const tenant = await p.tenantUser();
    await p.workers!.shutdown();
    const stopped = await p.call('POST', '/api/v1/billing/rating-runs', { token: admin });
    expect(stopped.status).toBe(202);
    await p.temporal.client.workflow.getHandle(stopped.body.workflowId).terminate('the database is being restored');
    const after = await waitFor(
      'the run ended',
      runs,
      (r) => runOf(r, stopped.body.workflowId)?.status === 'terminated',
    );
    expect(runOf(after, stopped.body.workflowId)).toMatchObject({
      summary: null,
      failure: 'the database is being restored',
    });
    // Newest first.
    expect(after.body.items[0].workflowId).toBe(stopped.body.workflowId);

    expect((await p.call('GET', '/api/v1/billing/rating-runs', { token: tenant.token })).status).toBe(403);
    expect((await p.call('GET', '/api/v1/billing/rating-runs?limit=0', { token: admin })).status).toBe(422);
  });
});
