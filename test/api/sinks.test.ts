import nodemailer from 'nodemailer';
import { startMailSink, type MailSink } from '../../activities/notify/sinks';
import { startSinkViewer, type SinkViewer } from '../../scripts/lib/sink-viewer';
import { freePort } from '../support/free-port';
import { waitFor } from '../support/eventually';
import { adminEmail, startTestPlatform, type TestPlatform } from '../support/platform';

describe('the embedded sinks through the API (what the portal shows O&M staff)', () => {
  let mail: MailSink;
  let viewer: SinkViewer;
  let p: TestPlatform;
  let om: string;
  beforeAll(async () => {
    mail = await startMailSink();
    viewer = await startSinkViewer({ mail });
    p = await startTestPlatform({ queues: [], env: { SMTP_URL: mail.url, SINKS_VIEWER_URL: viewer.url } });
    om = (await p.staff(['om_admin'])).token;
  });
  afterAll(async () => {
    await p?.close();
    await viewer?.close();
    await mail?.close();
  });

  it('lists the mails the sink received for staff, refuses tenants, and empties the sink', async () => {
    await nodemailer.createTransport({ url: mail.url } as never).sendMail({
      from: 'cmp@cmp.test',
      to: 'oncall@cmp.test',
      subject: '[CRITICAL] host compute-02 failed',
      text: 'fenced and evacuated',
    });
    const r = await p.call('GET', '/api/v1/sinks/messages', { token: om });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      mail: [expect.objectContaining({ to: ['oncall@cmp.test'], subject: '[CRITICAL] host compute-02 failed' })],
      sms: [],
    });
    const tenant = await p.tenantUser();
    expect((await p.call('GET', '/api/v1/sinks/messages', { token: tenant.token })).status).toBe(403);
    expect((await p.call('DELETE', '/api/v1/sinks/messages', { token: om })).status).toBe(204);
    expect((await p.call('GET', '/api/v1/sinks/messages', { token: om })).body).toEqual({ mail: [], sms: [] });
  });

  it('hides single-use links and passwords, so a password reset mail cannot be read off by staff', async () => {
    const r = await p.call('POST', '/api/v1/auth/password-reset', { body: { email: adminEmail } });
    expect(r.status).toBe(202);
    const raw = await waitFor(
      'the reset mail at the sink',
      async () => (await (await fetch(`${viewer.url}/api/v1/messages`)).json()) as { mail: Array<{ text: string }> },
      (m) => m.mail.some((x) => x.text.includes('token=')),
    );
    const token = /token=([^&\s]+)/.exec(raw.mail.find((x) => x.text.includes('token='))!.text)![1]!;
    const shown = await p.call('GET', '/api/v1/sinks/messages', { token: om });
    const text = JSON.stringify(shown.body);
    expect(text).toContain('token=[hidden]');
    expect(text).not.toContain(token);
  });

  it('answers 503 when the viewer is gone and 404 when the platform has no embedded sinks', async () => {
    const closed = await freePort();
    const gone = await startTestPlatform({ queues: [], env: { SINKS_VIEWER_URL: `http://127.0.0.1:${closed}` } });
    const none = await startTestPlatform({ queues: [] });
    try {
      const r = await gone.call('GET', '/api/v1/sinks/messages', { token: (await gone.staff(['om_admin'])).token });
      expect([r.status, r.body.code]).toEqual([503, 'unavailable']);
      const n = await none.call('GET', '/api/v1/sinks/messages', { token: (await none.staff(['om_admin'])).token });
      expect(n.status).toBe(404);
    } finally {
      await gone.close();
      await none.close();
    }
  });
});
