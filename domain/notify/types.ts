/** Channels a notification is delivered on. */
export const notifyChannels = ['email', 'sms', 'inbox'] as const;
export type NotifyChannel = (typeof notifyChannels)[number];

/** Channels an on-call contact can be paged on. */
export const pageChannels = ['email', 'sms'] as const;
export type PageChannel = (typeof pageChannels)[number];

export const notificationStatuses = ['queued', 'sent', 'failed', 'suppressed'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

export const severities = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof severities)[number];

/** Weekly duty window in UTC: the listed weekdays (0 = Sunday), from `fromHour` to `toHour` (exclusive; may wrap past midnight). */
export interface DutyWindow {
  days: number[];
  fromHour: number;
  toHour: number;
}
