import type { Orm } from '../../domain/db/orm';
import { currentOwner } from './activity-owner';
import { DeliveryError, toActivityFailure } from './delivery-error';
import { deliverOnce, type DeliveryRequest, type DeliveryResult, type Transport } from './deliver-once';
import { inboxDedupKey, inboxTransport } from './inbox';
import { markUndelivered, pageOnCall } from './page-on-call';
import { defaultDedupWindowSeconds, type NotifySettings } from './settings';
import { createTransports } from './transports';
import type { InboxRequest, MailRequest, OnCallPage, PageResult, SmsRequest } from './types';

export * from './types';
export { notifyFailureTypes } from './delivery-error';
export { notifySettingsFromConfig, type NotifySettings, type TwilioSettings } from './settings';

/** Temporal sees a transient failure as retryable and a permanent one (SMTP 5xx, Twilio 4xx) as final. */
async function asActivity<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof DeliveryError) throw toActivityFailure(e);
    throw e;
  }
}

function finalOrThrow(r: DeliveryResult): DeliveryResult {
  if (r.status === 'failed') throw toActivityFailure(new DeliveryError(r.error ?? 'delivery failed', true));
  return r;
}

/**
 * Activities on the `cmp-notify` queue. Every one is idempotent: a retry never sends twice, and the
 * same dedup key reaches one recipient once within the window. Settings come from the worker; a
 * channel without settings fails permanently rather than pretending to send.
 */
export function createNotifyActivities(orm: Orm, settings?: NotifySettings) {
  const s: NotifySettings = settings ?? {
    mailFrom: 'CMP <noreply@cmp.local>',
    dedupWindowSeconds: defaultDedupWindowSeconds,
  };
  const transports = createTransports(s);
  const deliver = (req: DeliveryRequest, transport: Transport) =>
    asActivity(async () => finalOrThrow(await deliverOnce(orm, s.dedupWindowSeconds, currentOwner(), req, transport)));

  return {
    /** Pages the on-duty contacts on their channels; answers what each delivery did. */
    async notifyOnCall(page: OnCallPage): Promise<PageResult> {
      return asActivity(() => pageOnCall(orm, s.dedupWindowSeconds, transports, page));
    },
    async sendMail(req: MailRequest): Promise<DeliveryResult> {
      return deliver(
        {
          channel: 'email',
          recipient: req.to,
          subject: req.subject,
          body: req.body,
          dedupKey: req.dedupKey,
          eventType: req.eventType,
        },
        transports.email,
      );
    },
    async sendSms(req: SmsRequest): Promise<DeliveryResult> {
      return deliver(
        { channel: 'sms', recipient: req.to, body: req.body, dedupKey: req.dedupKey, eventType: req.eventType },
        transports.sms,
      );
    },
    /** An in-app message in the user's inbox. */
    async sendInbox(req: InboxRequest): Promise<DeliveryResult> {
      const who = currentOwner();
      return asActivity(async () =>
        finalOrThrow(
          await deliverOnce(
            orm,
            s.dedupWindowSeconds,
            who,
            {
              channel: 'inbox',
              recipient: req.userId,
              subject: req.title,
              body: req.body,
              dedupKey: inboxDedupKey(req, who),
              eventType: req.eventType,
            },
            inboxTransport(orm, req),
          ),
        ),
      );
    },
    /** Called by the page workflow once it stops retrying: what is still queued becomes failed. */
    async markPageUndelivered(input: { dedupKey: string; reason: string }): Promise<number> {
      return markUndelivered(orm, input.dedupKey, input.reason);
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
