import { createNotifyActivities } from '../../activities/notify';
import {
  sinkNotifySettings,
  startMailSink,
  startSmsSink,
  type MailSink,
  type SmsSink,
} from '../../activities/notify/sinks';
import { InboxMessage } from '../../domain/entities';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, setContacts } from './support';

describe('on-call contacts, test pages and the notification record (API)', () => {
  let p: TestPlatform;
  let mail: MailSink;
  let sms: SmsSink;
  let om: string;
  let operator: string;
  let tenant: { token: string };
  beforeAll(async () => {
    mail = await startMailSink();
    sms = await startSmsSink();
    p = await startTestPlatform({
      queues: ['orchestration', 'notify'],
      activityDeps: { notify: sinkNotifySettings(mail, sms) },
    });
    om = (await p.staff(['om_admin'])).token;
    operator = (await p.staff(['operator'])).token;
    tenant = await p.tenantUser();
  });
  afterAll(async () => {
    await p?.close();
    await mail?.close();
    await sms?.close();
  });

  it('lets holders of oncall:manage create, read, change and delete contacts; others get 403', async () => {
    await setContacts(p.db.orm, []);
    const created = await p.call('POST', '/api/v1/oncall/contacts', {
      token: om,
      body: {
        name: 'Olga',
        email: 'Olga@Ops.test',
        phone: '+33612345678',
        channels: ['email', 'sms'],
        dutyWindow: { days: [1, 2, 3, 4, 5], fromHour: 8, toHour: 18 },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Olga',
      email: 'olga@ops.test',
      channels: ['email', 'sms'],
      active: true,
      onDuty: true,
      minSeverity: 'info',
    });
    const id = created.body.id as string;

    expect((await p.call('GET', `/api/v1/oncall/contacts/${id}`, { token: om })).body.phone).toBe('+33612345678');
    const patched = await p.call('PATCH', `/api/v1/oncall/contacts/${id}`, {
      token: om,
      body: { onDuty: false, dutyWindow: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ onDuty: false, dutyWindow: null });

    await p.call('POST', '/api/v1/oncall/contacts', {
      token: om,
      body: { name: 'Bert', email: 'bert@ops.test', channels: ['email'] },
    });
    const firstPage = await p.call('GET', '/api/v1/oncall/contacts?limit=1', { token: om });
    expect(firstPage.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(firstPage.body.items.map((c: { name: string }) => c.name)).toEqual(['Bert']);
    expect(
      (await p.call('GET', '/api/v1/oncall/contacts?onDuty=false', { token: om })).body.items.map(
        (c: { name: string }) => c.name,
      ),
    ).toEqual(['Olga']);

    for (const token of [operator, tenant.token]) {
      expect((await p.call('GET', '/api/v1/oncall/contacts', { token })).status).toBe(403);
      expect(
        (
          await p.call('POST', '/api/v1/oncall/contacts', {
            token,
            body: { name: 'X', email: 'x@x.test', channels: ['email'] },
          })
        ).status,
      ).toBe(403);
      expect((await p.call('POST', '/api/v1/oncall/test', { token, body: {} })).status).toBe(403);
    }
    expect((await p.call('GET', '/api/v1/oncall/contacts')).status).toBe(401);

    expect((await p.call('DELETE', `/api/v1/oncall/contacts/${id}`, { token: om })).status).toBe(204);
    expect((await p.call('GET', `/api/v1/oncall/contacts/${id}`, { token: om })).status).toBe(404);
    expect((await p.call('GET', '/api/v1/oncall/contacts/not-a-uuid', { token: om })).status).toBe(404);
  });

  it('refuses invalid contacts with 422 (and malformed JSON with 400)', async () => {
    const bad = async (body: unknown) => p.call('POST', '/api/v1/oncall/contacts', { token: om, body });
    const badPhone = await bad({ name: 'A', phone: '0612345678', channels: ['sms'] });
    expect(badPhone.status).toBe(422);
    expect(badPhone.body.details.map((d: { path: string }) => d.path)).toContain('phone');
    const noPhone = await bad({ name: 'A', email: 'a@x.test', channels: ['sms'] });
    expect(noPhone.status).toBe(422);
    expect(noPhone.body.details).toEqual([
      expect.objectContaining({ path: 'phone', message: 'required for channel sms' }),
    ]);
    expect((await bad({ name: 'A', email: 'a@x.test', channels: [] })).status).toBe(422);
    expect((await bad({ name: 'A', email: 'a@x.test', channels: ['fax'] })).status).toBe(422);
    expect((await bad({ name: 'A', email: 'a@x.test', channels: ['email'], pager: true })).status).toBe(422);
    expect(
      (
        await bad({
          name: 'A',
          email: 'a@x.test',
          channels: ['email'],
          dutyWindow: { days: [9], fromHour: 8, toHour: 18 },
        })
      ).status,
    ).toBe(422);
    expect((await p.call('POST', '/api/v1/oncall/contacts', { token: om, raw: '{"name":' })).status).toBe(400);
  });

  it('delivers a test page to the on-duty contacts only, and lists it in the notification record', async () => {
    mail.clear();
    sms.clear();
    await setContacts(p.db.orm, [
      { name: 'Mail Only', email: 'mail@ops.test', channels: ['email'] },
      { name: 'Sms Only', phone: '+15551230000', channels: ['sms'] },
      { name: 'Resting', email: 'rest@ops.test', channels: ['email'], onDuty: false },
    ]);
    const r = await p.call('POST', '/api/v1/oncall/test', {
      token: om,
      body: { subject: 'Drill', body: 'Paging drill, please ignore.', severity: 'warning' },
    });
    expect(r.status).toBe(202);
    expect(r.body.contacts.map((c: { name: string }) => c.name)).toEqual(['Mail Only', 'Sms Only']);
    expect(r.body.workflowId).toBe(`page-${r.body.dedupKey}`);

    await eventually(
      () => mail.messages().length + sms.messages().length,
      (n) => n >= 2,
    );
    expect(mail.messages().map((m) => [m.envelope.to, m.subject, m.text])).toEqual([
      [['mail@ops.test'], '[warning] Drill', 'Paging drill, please ignore.'],
    ]);
    expect(sms.messages().map((m) => [m.to, m.body])).toEqual([
      ['+15551230000', '[WARNING] Drill: Paging drill, please ignore.'],
    ]);

    const sent = await eventually(
      () => p.call('GET', `/api/v1/notifications?dedupKey=${r.body.dedupKey}&status=sent`, { token: om }),
      (x) => x.body.total === 2,
    );
    expect(sent.body.items.map((n: { channel: string }) => n.channel).sort()).toEqual(['email', 'sms']);
    expect(sent.body.items[0]).toMatchObject({
      eventType: 'oncall.test',
      attempts: 1,
      workflowId: r.body.workflowId,
      severity: 'warning',
    });

    const one = await p.call('GET', `/api/v1/notifications?dedupKey=${r.body.dedupKey}&limit=1&offset=1`, {
      token: om,
    });
    expect(one.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(one.body.items).toHaveLength(1);
    const byId = await p.call('GET', `/api/v1/notifications/${one.body.items[0].id}`, { token: om });
    expect(byId.body.id).toBe(one.body.items[0].id);
    expect(
      (await p.call('GET', '/api/v1/notifications?channel=email', { token: om })).body.items.every(
        (n: { channel: string }) => n.channel === 'email',
      ),
    ).toBe(true);
    expect((await p.call('GET', '/api/v1/notifications?status=lost', { token: om })).status).toBe(422);

    expect((await p.call('GET', '/api/v1/notifications', { token: operator })).status).toBe(403);
    expect((await p.call('GET', '/api/v1/notifications', { token: tenant.token })).status).toBe(403);
    const monitor = (await p.staff(['om_admin'], ['monitoring:read'])).token;
    expect((await p.call('GET', '/api/v1/notifications', { token: monitor })).status).toBe(200);
    expect((await p.call('GET', '/api/v1/oncall/contacts', { token: monitor })).status).toBe(403);
  });
});

describe('in-app inbox', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
  });
  afterAll(async () => p?.close());

  it('shows each user only his own messages, once per dedup key, and marks them read', async () => {
    const ann = await p.tenantUser();
    const bob = await p.tenantUser();
    const notify = createNotifyActivities(p.db.orm);
    const delivered = await notify.sendInbox({
      userId: ann.userId,
      title: 'Order delivered',
      body: 'Your VM web-1 is ready.',
      link: '/portal/orders/1',
      dedupKey: 'order-1-delivered',
    });
    expect(delivered.status).toBe('sent');
    expect(
      (
        await notify.sendInbox({
          userId: ann.userId,
          title: 'Order delivered',
          body: 'again',
          dedupKey: 'order-1-delivered',
        })
      ).status,
    ).toBe('suppressed');
    await notify.sendInbox({ userId: bob.userId, title: 'Order refused', body: 'Quota exceeded.' });
    const bobMessage = await p.db.orm.em.fork().findOneOrFail(InboxMessage, { userId: bob.userId });
    expect(bobMessage.tenantId).toBe(bob.tenantId);

    const inbox = await p.call('GET', '/api/v1/inbox', { token: ann.token });
    expect(inbox.status).toBe(200);
    expect(inbox.body).toMatchObject({ total: 1, unread: 1 });
    expect(inbox.body.items[0]).toMatchObject({
      title: 'Order delivered',
      body: 'Your VM web-1 is ready.',
      link: '/portal/orders/1',
      readAt: null,
    });
    const id = inbox.body.items[0].id as string;

    expect((await p.call('POST', `/api/v1/inbox/${bobMessage.id}/read`, { token: ann.token })).status).toBe(404);
    const read = await p.call('POST', `/api/v1/inbox/${id}/read`, { token: ann.token });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect((await p.call('GET', '/api/v1/inbox?unread=true', { token: ann.token })).body).toMatchObject({
      total: 0,
      unread: 0,
    });
    expect(
      (await p.call('GET', '/api/v1/inbox', { token: bob.token })).body.items.map((m: { title: string }) => m.title),
    ).toEqual(['Order refused']);
    expect((await p.call('GET', '/api/v1/inbox')).status).toBe(401);
  });

  it('fails permanently for an unknown user instead of retrying', async () => {
    const notify = createNotifyActivities(p.db.orm);
    await expect(
      notify.sendInbox({ userId: '00000000-0000-4000-8000-000000000000', title: 't', body: 'b' }),
    ).rejects.toMatchObject({ nonRetryable: true, type: 'NotifyPermanentFailure' });
  });
});
