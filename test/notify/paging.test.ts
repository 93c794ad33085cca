import { randomUUID } from 'node:crypto';
import { NotificationRecord } from '../../domain/entities';
import {
  sinkNotifySettings,
  startMailSink,
  startSmsSink,
  embeddedSmsCredentials,
  type MailSink,
  type SmsSink,
} from '../../activities/notify/sinks';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { runPage, setContacts } from './support';

describe('paging the on-call contacts by e-mail (SMTP) and SMS (twilio SDK), on real Temporal', () => {
  let p: TestPlatform;
  let mail: MailSink;
  let sms: SmsSink;
  beforeAll(async () => {
    mail = await startMailSink();
    sms = await startSmsSink({ credentials: embeddedSmsCredentials });
    p = await startTestPlatform({
      queues: ['orchestration', 'notify'],
      activityDeps: { notify: sinkNotifySettings(mail, sms, { mailFrom: 'CMP Alerts <alerts@cmp.test>' }) },
    });
  });
  afterAll(async () => {
    await p?.close();
    await mail?.close();
    await sms?.close();
  });
  beforeEach(() => {
    mail.clear();
    sms.clear();
  });
  const records = (dedupKey: string) =>
    p.db.orm.em.fork().find(NotificationRecord, { dedupKey }, { orderBy: { createdAt: 'asc' } });

  it('mails the on-duty contact through SMTP and texts him through the Twilio API', async () => {
    await setContacts(p.db.orm, [
      { name: 'Olga', email: 'olga@ops.test', phone: '+33612345678', channels: ['email', 'sms'] },
      { name: 'Off Duty', email: 'off@ops.test', channels: ['email'], onDuty: false },
    ]);
    const dedupKey = `host-down-${randomUUID()}`;
    const out = await runPage(p, {
      dedupKey,
      subject: 'compute-3 is down',
      body: 'Nova reports compute-3 down since 10:02.',
      severity: 'critical',
      eventType: 'host.down',
    });

    expect(out).toMatchObject({ dedupKey, contacts: 1, delivered: true });
    expect(out.deliveries.map((d) => [d.channel, d.recipient, d.status])).toEqual([
      ['email', 'olga@ops.test', 'sent'],
      ['sms', '+33612345678', 'sent'],
    ]);

    const [m] = mail.messages();
    expect(mail.messages()).toHaveLength(1);
    expect(m!.envelope).toEqual({ from: 'alerts@cmp.test', to: ['olga@ops.test'] });
    expect(m!.from).toBe('CMP Alerts <alerts@cmp.test>');
    expect(m!.to).toBe('olga@ops.test');
    expect(m!.subject).toBe('[critical] compute-3 is down');
    expect(m!.text).toBe('Nova reports compute-3 down since 10:02.');

    const [s] = sms.messages();
    expect(sms.messages()).toHaveLength(1);
    expect(s).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${embeddedSmsCredentials.accountSid}/Messages.json`,
      authUser: embeddedSmsCredentials.accountSid,
      to: '+33612345678',
      from: '+15005550006',
      body: '[CRITICAL] compute-3 is down: Nova reports compute-3 down since 10:02.',
    });

    const rec = await records(dedupKey);
    expect(rec.map((r) => [r.channel, r.status, r.attempts, r.eventType])).toEqual([
      ['email', 'sent', 1, 'host.down'],
      ['sms', 'sent', 1, 'host.down'],
    ]);
    expect(rec[0]!.providerId).toBe(m!.messageId);
    expect(rec[1]!.providerId).toBe(s!.sid);
    expect(rec[0]!.workflowId).toBe(`page-${dedupKey}`);
    expect(rec.every((r) => r.sentAt instanceof Date)).toBe(true);
  });

  it('sends one mail for the same key twice and records the second as suppressed', async () => {
    await setContacts(p.db.orm, [{ name: 'Olga', email: 'olga@ops.test', channels: ['email'] }]);
    const dedupKey = `dup-${randomUUID()}`;
    const page = { dedupKey, subject: 'disk full', body: 'cinder-1 at 98%', severity: 'warning' as const };
    const first = await runPage(p, page);
    const second = await runPage(p, page);
    expect(first.deliveries[0]!.status).toBe('sent');
    expect(second.deliveries[0]).toMatchObject({
      status: 'suppressed',
      duplicateOf: first.deliveries[0]!.notificationId,
    });
    expect(second.delivered).toBe(true);
    expect(mail.messages()).toHaveLength(1);
    expect((await records(dedupKey)).map((r) => r.status)).toEqual(['sent', 'suppressed']);
  });

  it('retries after a transient SMTP refusal (451) and delivers exactly once, after 2 attempts', async () => {
    await setContacts(p.db.orm, [{ name: 'Olga', email: 'olga@ops.test', channels: ['email'] }]);
    mail.refuse({ code: 451, message: 'greylisted, try again' });
    const dedupKey = `retry-${randomUUID()}`;
    const out = await runPage(p, { dedupKey, subject: 'retry me', body: 'once only', severity: 'critical' });
    expect(out.delivered).toBe(true);
    expect(mail.messages()).toHaveLength(1);
    expect(mail.messages()[0]!.subject).toBe('[critical] retry me');
    const [r, ...more] = await records(dedupKey);
    expect(more).toHaveLength(0);
    expect(r).toMatchObject({ status: 'sent', attempts: 2, error: null });
  });

  it('gives up at once on a permanent SMTP refusal (550): record failed, one attempt, nothing delivered', async () => {
    await setContacts(p.db.orm, [{ name: 'Olga', email: 'gone@ops.test', channels: ['email'] }]);
    mail.refuse({ code: 550, message: 'no such mailbox' }, 5);
    const dedupKey = `perm-${randomUUID()}`;
    const out = await runPage(p, { dedupKey, subject: 'x', body: 'y', severity: 'critical' });
    expect(out.delivered).toBe(false);
    expect(out.deliveries[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('550') });
    expect(mail.messages()).toHaveLength(0);
    const [r] = await records(dedupKey);
    expect(r).toMatchObject({ status: 'failed', attempts: 1, claim: null });
  });

  it('treats a Twilio 4xx as final and a 5xx as worth retrying', async () => {
    await setContacts(p.db.orm, [{ name: 'Sam', phone: '+15551234567', channels: ['sms'] }]);
    sms.refuse({ status: 503 });
    const retried = `sms-5xx-${randomUUID()}`;
    expect((await runPage(p, { dedupKey: retried, subject: 'a', body: 'b', severity: 'critical' })).delivered).toBe(
      true,
    );
    expect(sms.messages()).toHaveLength(1);
    expect((await records(retried))[0]).toMatchObject({ status: 'sent', attempts: 2 });

    sms.refuse({ status: 400, code: 21211, message: 'Invalid To' }, 5);
    const refused = `sms-4xx-${randomUUID()}`;
    const out = await runPage(p, { dedupKey: refused, subject: 'a', body: 'b', severity: 'critical' });
    expect(out.delivered).toBe(false);
    expect((await records(refused))[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: expect.stringContaining('21211'),
    });
    expect(sms.messages()).toHaveLength(1);
  });

  it('does not page contacts whose minimum severity is above the page', async () => {
    await setContacts(p.db.orm, [
      { name: 'Night', email: 'night@ops.test', channels: ['email'], minSeverity: 'critical' },
    ]);
    const out = await runPage(p, {
      dedupKey: `info-${randomUUID()}`,
      subject: 'fyi',
      body: 'nothing urgent',
      severity: 'info',
    });
    expect(out).toMatchObject({ contacts: 0, deliveries: [], delivered: false });
    expect(mail.messages()).toHaveLength(0);
  });
});
