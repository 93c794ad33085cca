import { createHash } from 'node:crypto';
import { currentOwner } from '../notify/activity-owner';

/**
 * A row id that is the same for every attempt of one activity execution (workflow id, run id and activity id)
 * and different for any other: an insert keyed by it is written once however often the activity is retried.
 * Outside an activity every call answers a fresh id.
 */
export function activityRowId(): string {
  const h = createHash('sha256').update(currentOwner().owner).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
