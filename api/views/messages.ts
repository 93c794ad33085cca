import type { StaffMessage } from '../../domain/entities';

export function staffMessageView(m: StaffMessage, read: number) {
  return {
    id: m.id,
    audience: m.audience,
    userId: m.userId ?? null,
    tenantId: m.tenantId ?? null,
    title: m.title,
    body: m.body,
    senderEmail: m.senderEmail,
    recipients: m.recipients,
    read,
    createdAt: m.createdAt.toISOString(),
  };
}
