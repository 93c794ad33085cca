import type { InboxMessage, NotificationRecord, OnCallContact } from '../../domain/entities';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function contactView(c: OnCallContact) {
  return {
    id: c.id,
    name: c.name,
    email: c.email ?? null,
    phone: c.phone ?? null,
    channels: c.channels,
    active: c.active,
    onDuty: c.onDuty,
    dutyWindow: c.dutyWindow ?? null,
    minSeverity: c.minSeverity,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function notificationView(r: NotificationRecord) {
  return {
    id: r.id,
    channel: r.channel,
    recipient: r.recipient,
    subject: r.subject ?? null,
    body: r.body,
    dedupKey: r.dedupKey,
    status: r.status,
    attempts: r.attempts,
    providerId: r.providerId ?? null,
    error: r.error ?? null,
    severity: r.severity ?? null,
    eventType: r.eventType ?? null,
    workflowId: r.workflowId ?? null,
    contactId: r.contactId ?? null,
    duplicateOf: r.duplicateOf ?? null,
    createdAt: r.createdAt.toISOString(),
    sentAt: iso(r.sentAt),
  };
}

export function inboxView(m: InboxMessage) {
  return {
    id: m.id,
    title: m.title,
    body: m.body,
    link: m.link ?? null,
    messageId: m.messageId ?? null,
    createdAt: m.createdAt.toISOString(),
    readAt: iso(m.readAt),
  };
}
