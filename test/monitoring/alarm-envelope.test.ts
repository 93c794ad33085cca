import { randomBytes } from 'node:crypto';
import { Alarm, AlarmEvent } from '../../domain/entities';
import { alarmWorkflowId } from '../../workflows/alarm';
import { waitFor } from '../support/eventually';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * An alarm whose process is cancelled says so in its history (with the cause) instead of staying open with nothing
 * recorded; Alertmanager's later resolution still closes it, though no process follows it any more.
 * Alerts are posted to the webhook as Alertmanager posts them; no rule, so nobody is notified.
 */
describe('alarm failure envelope (real Temporal server, database)', () => {
  let p: TestPlatform;
  let admin: string;
  const secret = randomBytes(24).toString('hex');
  beforeAll(async () => {
    p = await startTestPlatform({
      queues: ['orchestration', 'notify'],
      env: { ALARM_WEBHOOK_SECRET: secret, NAGIOS_EMBEDDED: 'false' },
    });
    admin = (await p.staff(['om_admin'])).token;
  });
  afterAll(async () => p?.close());

  const post = (alert: Record<string, unknown>) =>
    p.call('POST', '/hooks/alertmanager', {
      headers: { authorization: `Bearer ${secret}` },
      body: { version: '4', alerts: [alert] },
    });
  const history = async (alarmId: string) =>
    (await p.db.orm.em.fork().find(AlarmEvent, { alarmId }, { orderBy: { at: 'asc' } })).map((e) => e.type);

  it('records why a cancelled alarm is no longer followed, and resolves it when Alertmanager says so', async () => {
    const fingerprint = randomBytes(8).toString('hex');
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const alert = { fingerprint, startsAt, labels: { alertname: 'DiskFull', severity: 'major' }, annotations: {} };
    expect((await post({ ...alert, status: 'firing' })).status).toBe(200);
    const alarm = await waitFor(
      'the alarm opened',
      () => p.db.orm.em.fork().findOne(Alarm, { fingerprint }),
      (a) => a !== null,
    );
    const handle = p.temporal.client.workflow.getHandle(alarmWorkflowId(fingerprint));
    await handle.cancel();
    await waitFor(
      'the alarm abandoned',
      () => history(alarm!.id),
      (h) => h.includes('abandoned'),
    );
    // The row is written by the settlement before the workflow closes: its end is waited for, then checked.
    const closed = await waitFor(
      'the alarm process closed',
      () => handle.describe(),
      (d) => d.status.name !== 'RUNNING',
    );
    expect(closed.status.name).toBe('CANCELLED');
    const shown = await p.call('GET', `/api/v1/alarms/${alarm!.id}`, { token: admin });
    expect(shown.body.status).toBe('firing');
    const abandoned = shown.body.history.find((e: { type: string }) => e.type === 'abandoned');
    expect(abandoned.details).toEqual({ cause: 'the alarm process was cancelled' });

    const endsAt = new Date().toISOString();
    const r = await post({ ...alert, status: 'resolved', endsAt });
    expect(r.body).toEqual({ firing: 0, resolved: 1 });
    const after = await p.call('GET', `/api/v1/alarms/${alarm!.id}`, { token: admin });
    expect(after.body).toMatchObject({ status: 'resolved', resolvedAt: endsAt });
    expect(await history(alarm!.id)).toEqual(['fired', 'abandoned', 'resolved']);
    // A repeat changes nothing.
    expect((await post({ ...alert, status: 'resolved', endsAt })).body).toEqual({ firing: 0, resolved: 0 });
  });
});
