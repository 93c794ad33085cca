import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nagiosSyncWorkflow, nagiosSyncWorkflowId } from '../../workflows/nagios-sync';
import { freePort } from '../support/free-port';
import { waitFor } from '../support/eventually';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/** A Nagios sync that fails past its retries is shown through the API with its cause, not swallowed. */
describe('nagios sync state (real Temporal server)', () => {
  let p: TestPlatform;
  let admin: string;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cmp-nagios-state-'));
    // Prometheus is not listening: every sync fails at its first query, past its retries.
    const prometheusUrl = `http://127.0.0.1:${await freePort()}`;
    const nagios = { commandFile: path.join(dir, 'nagios.cmd'), objectsFile: path.join(dir, 'objects', 'cmp.cfg') };
    p = await startTestPlatform({
      queues: ['orchestration', 'notify'],
      activityDeps: { nagios: { ...nagios, freshnessSeconds: 60, prometheusUrl } },
      env: {
        NAGIOS_EMBEDDED: 'false',
        NAGIOS_COMMAND_FILE: nagios.commandFile,
        NAGIOS_OBJECTS_FILE: nagios.objectsFile,
        PROMETHEUS_URL: prometheusUrl,
      },
    });
    admin = (await p.staff(['om_admin'])).token;
  });
  afterAll(async () => {
    await p?.temporal.client.workflow
      .getHandle(nagiosSyncWorkflowId(p.deps.queues.orchestration))
      .terminate('test over')
      .catch(() => undefined);
    await p?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const shown = () => p.call('GET', '/api/v1/alarms/nagios-sync', { token: admin });

  it('shows no state before a sync runs, then the failed sync with its cause', async () => {
    expect((await shown()).body).toMatchObject({ configured: true, status: null, state: null });
    await p.temporal.client.workflow.start(nagiosSyncWorkflow, {
      workflowId: nagiosSyncWorkflowId(p.deps.queues.orchestration),
      taskQueue: p.deps.queues.orchestration,
      args: [{ intervalSeconds: 3600 }],
    });
    const failed = await waitFor('the failed sync shown', shown, (r) => r.body.state?.failures === 1, 30_000);
    expect(failed.body).toMatchObject({ status: 'running', state: { syncs: 0, lastSyncAt: null } });
    expect(failed.body.state.lastFailure.error).toMatch(/fetch failed|ECONNREFUSED/);
    const tenant = await p.tenantUser();
    expect((await p.call('GET', '/api/v1/alarms/nagios-sync', { token: tenant.token })).status).toBe(403);
  });
});
