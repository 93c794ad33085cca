import nodemailer from 'nodemailer';
import {
  embeddedSmsCredentials,
  startMailSink,
  startSmsSink,
  type MailSink,
  type SmsSink,
} from '../../activities/notify/sinks';
import { startSinkViewer, type SinkViewer } from '../../scripts/lib/sink-viewer';

describe('embedded sinks viewer (Mailpit-like page and JSON)', () => {
  let mail: MailSink;
  let sms: SmsSink;
  let viewer: SinkViewer;
  beforeAll(async () => {
    mail = await startMailSink();
    sms = await startSmsSink({ credentials: embeddedSmsCredentials });
    viewer = await startSinkViewer({ mail, sms });
  });
  afterAll(async () => {
    await viewer?.close();
    await mail?.close();
    await sms?.close();
  });

  it('lists what the SMTP and SMS sinks received, as JSON and as a page, and clears them', async () => {
    await nodemailer.createTransport({ url: mail.url } as never).sendMail({
      from: 'cmp@cmp.test',
      to: 'ops@cmp.test',
      subject: '[CRITICAL] ALARM: cpu <high>',
      text: 'server s1 is at 97 %',
    });
    const auth = Buffer.from(`${embeddedSmsCredentials.accountSid}:${embeddedSmsCredentials.authToken}`).toString(
      'base64',
    );
    const r = await fetch(`${sms.url}/2010-04-01/Accounts/${embeddedSmsCredentials.accountSid}/Messages.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: '+15005550100', From: '+15005550006', Body: 'ALARM cpu of s1' }).toString(),
    });
    expect(r.status).toBe(201);
    const json = (await (await fetch(`${viewer.url}/api/v1/messages`)).json()) as any;
    expect(json.mail).toEqual([
      expect.objectContaining({
        to: ['ops@cmp.test'],
        subject: '[CRITICAL] ALARM: cpu <high>',
        text: expect.stringContaining('97 %'),
      }),
    ]);
    expect(json.sms).toEqual([expect.objectContaining({ to: '+15005550100', body: 'ALARM cpu of s1' })]);
    const html = await (await fetch(`${viewer.url}/`)).text();
    expect(html).toContain('cpu &#60;high&#62;');
    expect(html).toContain('ALARM cpu of s1');
    expect((await fetch(`${viewer.url}/api/v1/messages`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await fetch(`${viewer.url}/api/v1/messages`)).json()).toEqual({ mail: [], sms: [] });
  });
});
