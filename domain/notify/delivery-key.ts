import { createHash } from 'node:crypto';
import type { NotifyChannel } from './types';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Identifies "this event to this recipient on this channel". */
export function deliveryKey(dedupKey: string, channel: NotifyChannel, recipient: string): string {
  return sha256(`${dedupKey}\n${channel}\n${recipient.toLowerCase()}`);
}

/**
 * The unique claim a live delivery holds: its key plus the dedup window it started in. The database
 * refuses a second claim, so two concurrent senders of one key cannot both deliver.
 */
export function deliveryClaim(key: string, at: Date, windowSeconds: number): string {
  return `${key}:${Math.floor(at.getTime() / 1000 / windowSeconds)}`;
}

export function ownerKey(owner: string): string {
  return sha256(owner);
}
