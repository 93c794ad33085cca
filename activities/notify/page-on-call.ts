import type { Orm } from '../../domain/db/orm';
import { NotificationRecord, OnCallContact } from '../../domain/entities';
import { isPageable } from '../../domain/notify/on-duty';
import type { PageChannel } from '../../domain/notify/types';
import { currentOwner } from './activity-owner';
import { asDeliveryError, DeliveryError } from './delivery-error';
import { deliverOnce, type DeliveryResult } from './deliver-once';
import type { Transports } from './transports';
import type { OnCallPage, PageResult } from './types';

function recipientOf(c: OnCallContact, channel: PageChannel): string | null {
  return channel === 'email' ? (c.email ?? null) : (c.phone ?? null);
}

/** The on-call contacts to page now for this severity. */
export async function onDutyContacts(orm: Orm, page: OnCallPage, at = new Date()): Promise<OnCallContact[]> {
  const contacts = await orm.em
    .fork()
    .find(OnCallContact, { active: true, onDuty: true }, { orderBy: { name: 'asc' } });
  return contacts.filter((c) => isPageable(c, page.severity ?? 'warning', at));
}

/**
 * Pages every on-duty contact on each of his channels. Each delivery is recorded and deduplicated on
 * its own, so when some failed transiently the retry sends only those. Permanent failures are in the
 * result; transient ones make the activity fail (retryable) after the others were tried.
 */
export async function pageOnCall(
  orm: Orm,
  windowSeconds: number,
  transports: Transports,
  page: OnCallPage,
): Promise<PageResult> {
  const who = currentOwner();
  const contacts = await onDutyContacts(orm, page);
  const severity = page.severity ?? 'warning';
  const deliveries: DeliveryResult[] = [];
  const transient: string[] = [];
  for (const contact of contacts) {
    for (const channel of page.only ? [page.only] : contact.channels) {
      const recipient = recipientOf(contact, channel);
      if (!recipient) continue;
      const body = channel === 'sms' ? `[${severity.toUpperCase()}] ${page.subject}: ${page.body}` : page.body;
      try {
        deliveries.push(
          await deliverOnce(
            orm,
            windowSeconds,
            who,
            {
              channel,
              recipient,
              subject: `[${severity}] ${page.subject}`,
              body,
              dedupKey: page.dedupKey,
              severity,
              eventType: page.eventType ?? 'oncall.page',
              contactId: contact.id,
            },
            transports[channel],
          ),
        );
      } catch (e) {
        transient.push(`${channel} to ${contact.name}: ${asDeliveryError(e).message}`);
      }
    }
  }
  if (transient.length)
    throw new DeliveryError(`page ${page.dedupKey} not yet delivered: ${transient.join('; ')}`, false);
  return { dedupKey: page.dedupKey, contacts: contacts.length, deliveries };
}

/** After the workflow gave up retrying: deliveries of the key still queued are failed (and their keys freed). */
export async function markUndelivered(orm: Orm, dedupKey: string, reason: string): Promise<number> {
  const em = orm.em.fork();
  const stuck = await em.find(NotificationRecord, { dedupKey, status: 'queued' });
  for (const r of stuck) {
    r.status = 'failed';
    r.claim = null;
    r.error = r.error ?? reason;
  }
  await em.flush();
  return stuck.length;
}
