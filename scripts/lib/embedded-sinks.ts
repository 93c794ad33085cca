import type { Config } from '../../config';
import type { MailSink, SmsSink } from '../../activities/notify/sinks';
import { startSinkViewer } from './sink-viewer';

export interface EmbeddedSinks {
  describe(): string[];
  close(): Promise<void>;
}

/**
 * Mail and SMS sinks on loopback when no SMTP server or Twilio account is configured, so paging works
 * out of the box; their addresses are put into `env` for the worker.
 */
export async function startEmbeddedSinks(cfg: Config, env: NodeJS.ProcessEnv): Promise<EmbeddedSinks> {
  const closers: Array<() => Promise<void>> = [];
  const lines: string[] = [];
  const started: { mail?: MailSink; sms?: SmsSink } = {};
  let sinks: typeof import('../../activities/notify/sinks') | undefined;
  try {
    sinks = await import('../../activities/notify/sinks');
  } catch {
    sinks = undefined;
  }
  if (sinks && !cfg.SMTP_URL) {
    const mail = await sinks.startMailSink();
    env.SMTP_URL = `smtp://127.0.0.1:${mail.port}`;
    lines.push(`  Mail sink      smtp://127.0.0.1:${mail.port} (messages kept in memory)`);
    closers.push(() => mail.close());
    started.mail = mail;
  }
  if (sinks && cfg.SMS_EMBEDDED_SINK && !cfg.TWILIO_ACCOUNT_SID) {
    const sms = await sinks.startSmsSink();
    Object.assign(env, {
      TWILIO_ACCOUNT_SID: 'ACembedded0000000000000000000000000',
      TWILIO_AUTH_TOKEN: 'embedded-sink',
      TWILIO_API_BASE_URL: sms.url,
    });
    lines.push(`  SMS sink       ${sms.url} (Twilio-compatible)`);
    closers.push(() => sms.close());
    started.sms = sms;
  }
  if (started.mail || started.sms) {
    // A taken port (another platform on this machine) moves the viewer to a free one rather than failing the start.
    const viewer = await startSinkViewer(started, cfg.SINKS_UI_PORT).catch(() => startSinkViewer(started, 0));
    env.SINKS_VIEWER_URL = viewer.url;
    lines.push(`  Sink messages  ${viewer.url} (page; JSON at ${viewer.url}/api/v1/messages)`);
    closers.push(() => viewer.close());
  }
  return {
    describe: () => lines,
    async close() {
      for (const c of closers) await c();
    },
  };
}
