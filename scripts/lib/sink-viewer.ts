import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MailSink, SmsSink } from '../../activities/notify/sinks';

export interface SinkViewer {
  url: string;
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** What the sinks hold, newest first: mails (without the raw source) and text messages. */
export function sinkMessages(sinks: { mail?: MailSink; sms?: SmsSink }) {
  const mail = (sinks.mail?.messages() ?? [])
    .map((m) => ({ receivedAt: m.receivedAt, from: m.from, to: m.envelope.to, subject: m.subject, text: m.text }))
    .reverse();
  const sms = (sinks.sms?.messages() ?? [])
    .map((m) => ({ receivedAt: m.receivedAt, sid: m.sid, from: m.from, to: m.to, body: m.body }))
    .reverse();
  return { mail, sms };
}

function page(data: ReturnType<typeof sinkMessages>): string {
  const mails = data.mail
    .map(
      (m) =>
        `<tr><td>${esc(m.receivedAt)}</td><td>${esc(m.to.join(', '))}</td><td>${esc(m.subject)}</td><td><pre>${esc(m.text)}</pre></td></tr>`,
    )
    .join('');
  const texts = data.sms
    .map((m) => `<tr><td>${esc(m.receivedAt)}</td><td>${esc(m.to)}</td><td>${esc(m.body)}</td></tr>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>CMP mail and SMS sinks</title>
<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px;vertical-align:top;text-align:left}pre{margin:0;white-space:pre-wrap}</style></head>
<body><h1>Mail (${data.mail.length})</h1><table><tr><th>received</th><th>to</th><th>subject</th><th>text</th></tr>${mails}</table>
<h1>SMS (${data.sms.length})</h1><table><tr><th>received</th><th>to</th><th>body</th></tr>${texts}</table>
<p>JSON: <a href="/api/v1/messages">/api/v1/messages</a></p></body></html>`;
}

/**
 * A Mailpit-like view of the embedded sinks on loopback: `/` is a page (refreshing every 5 s) and
 * `/api/v1/messages` the same as JSON (`{ mail: [...], sms: [...] }`, newest first); DELETE clears both.
 */
export async function startSinkViewer(
  sinks: { mail?: MailSink; sms?: SmsSink },
  port = 0,
  host = '127.0.0.1',
): Promise<SinkViewer> {
  const server: Server = createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    if (p === '/api/v1/messages' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(sinkMessages(sinks)));
    }
    if (p === '/api/v1/messages' && req.method === 'DELETE') {
      sinks.mail?.clear();
      sinks.sms?.clear();
      res.writeHead(204);
      return res.end();
    }
    if (p === '/' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page(sinkMessages(sinks)));
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return { url: `http://${host}:${addr.port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
