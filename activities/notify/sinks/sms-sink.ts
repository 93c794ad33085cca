import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlan } from './fault-plan';
import { spoolWriter } from './spool';

/** One Messages.json request as the sink saw it. */
export interface ReceivedSms {
  sid: string;
  accountSid: string;
  method: string;
  path: string;
  /** The basic-auth user name (the account SID); the password is never kept. */
  authUser: string;
  to: string;
  from: string;
  body: string;
  params: Record<string, string>;
  receivedAt: string;
}

export interface SmsSinkOptions {
  port?: number;
  host?: string;
  /** When set, only these credentials are accepted (otherwise any password for the path's account). */
  credentials?: { accountSid: string; authToken: string };
  spoolFile?: string;
}

export interface SmsFault {
  /** HTTP status to answer: 4xx (Twilio refuses) or 5xx (Twilio trouble). */
  status: number;
  code?: number;
  message?: string;
}

export interface SmsSink {
  url: string;
  port: number;
  messages(): ReceivedSms[];
  clear(): void;
  /** The next `times` message requests are answered with this error. */
  refuse(fault: SmsFault, times?: number): void;
  close(): Promise<void>;
}

const e164 = /^\+[1-9]\d{6,14}$/;
const messagesPath = /^\/2010-04-01\/Accounts\/(AC[A-Za-z0-9]{1,64})\/Messages(?:\/(SM[0-9a-f]{32}))?\.json$/;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  send(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

function basicAuth(req: IncomingMessage): { user: string; pass: string } | null {
  const h = req.headers.authorization;
  if (!h?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function view(m: ReceivedSms) {
  const at = new Date(m.receivedAt).toUTCString();
  return {
    sid: m.sid,
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: at,
    date_updated: at,
    date_sent: null,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: m.from,
    messaging_service_sid: m.params.MessagingServiceSid ?? null,
    num_media: '0',
    num_segments: String(Math.max(1, Math.ceil(m.body.length / 153))),
    price: null,
    price_unit: 'USD',
    status: 'queued',
    subresource_uris: { media: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
  };
}

/** A Twilio-compatible Messages endpoint on loopback: answers like Twilio with a SID and keeps every message. */
export async function startSmsSink(opts: number | SmsSinkOptions = {}): Promise<SmsSink> {
  const o = typeof opts === 'number' ? { port: opts } : opts;
  const host = o.host ?? '127.0.0.1';
  const received: ReceivedSms[] = [];
  const faults = new FaultPlan<SmsFault>();
  const spool = spoolWriter(o.spoolFile);

  const server = createServer((req, res) => {
    handle(req, res).catch(() => twilioError(res, 500, 20500, 'Internal Server Error'));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://sink').pathname;
    const match = messagesPath.exec(path);
    if (!match) return twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
    const [, accountSid, messageSid] = match as unknown as [string, string, string | undefined];
    const auth = basicAuth(req);
    const authOk =
      auth &&
      (o.credentials
        ? auth.user === o.credentials.accountSid && auth.pass === o.credentials.authToken
        : auth.user === accountSid && auth.pass.length > 0);
    if (!authOk) return twilioError(res, 401, 20003, 'Authenticate');
    if (auth.user !== accountSid) return twilioError(res, 403, 20003, 'Authenticate');

    if (req.method === 'GET' && messageSid) {
      const m = received.find((r) => r.sid === messageSid && r.accountSid === accountSid);
      return m ? send(res, 200, view(m)) : twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
    }
    if (req.method !== 'POST' || messageSid) return twilioError(res, 405, 20004, 'Method not allowed');

    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const fault = faults.next();
    if (fault)
      return twilioError(
        res,
        fault.status,
        fault.code ?? (fault.status >= 500 ? 20500 : 21610),
        fault.message ?? 'Refused by the sink',
      );
    if (!params.To) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!e164.test(params.To)) return twilioError(res, 400, 21211, `Invalid 'To' Phone Number: ${params.To}`);
    if (!params.From && !params.MessagingServiceSid)
      return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (!params.Body) return twilioError(res, 400, 21602, 'Message body is required.');

    const message: ReceivedSms = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid,
      method: req.method,
      path,
      authUser: auth.user,
      to: params.To,
      from: params.From ?? '',
      body: params.Body,
      params,
      receivedAt: new Date().toISOString(),
    };
    received.push(message);
    spool(message);
    send(res, 201, view(message));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    messages: () => [...received],
    clear: () => {
      received.length = 0;
      faults.clear();
    },
    refuse: (fault, times = 1) => faults.add(fault, times),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
