import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { FaultPlan } from './fault-plan';
import { parseMail, type ParsedMail } from './mime';
import { spoolWriter } from './spool';

export interface ReceivedMail extends ParsedMail {
  envelope: { from: string | null; to: string[] };
  raw: string;
  receivedAt: string;
}

export interface MailSinkOptions {
  port?: number;
  host?: string;
  /** Also append every message as a JSON line to this file. */
  spoolFile?: string;
}

export interface MailFault {
  /** SMTP reply code: 4xx (try later) or 5xx (refused). */
  code: number;
  message?: string;
}

export interface MailSink {
  url: string;
  port: number;
  messages(): ReceivedMail[];
  clear(): void;
  /** The next `times` messages are refused at DATA with this reply. */
  refuse(fault: MailFault, times?: number): void;
  close(): Promise<void>;
}

function address(a: SMTPServerAddress | false): string | null {
  return a ? a.address : null;
}

/** An SMTP server on loopback that accepts every message (no TLS, no auth required) and keeps it. */
export async function startMailSink(opts: number | MailSinkOptions = {}): Promise<MailSink> {
  const o = typeof opts === 'number' ? { port: opts } : opts;
  const host = o.host ?? '127.0.0.1';
  const received: ReceivedMail[] = [];
  const faults = new FaultPlan<MailFault>();
  const spool = spoolWriter(o.spoolFile);
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'CMP mail sink',
    logger: false,
    onAuth: (auth, _session, cb) => cb(null, { user: auth.username ?? 'anonymous' }),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const fault = faults.next();
        if (fault) {
          const err = Object.assign(
            new Error(fault.message ?? (fault.code >= 500 ? 'mailbox unavailable' : 'try again later')),
            { responseCode: fault.code },
          );
          return callback(err);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          ...parseMail(raw),
          envelope: { from: address(session.envelope.mailFrom), to: session.envelope.rcptTo.map((r) => r.address) },
          raw,
          receivedAt: new Date().toISOString(),
        };
        received.push(mail);
        spool({ ...mail, raw: undefined });
        callback(null);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${host}:${port}`,
    port,
    messages: () => [...received],
    clear: () => {
      received.length = 0;
      faults.clear();
    },
    refuse: (fault, times = 1) => faults.add(fault, times),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
