import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { DutyWindow, PageChannel, Severity } from '../notify/types';

/** Someone the platform pages when an alarm, evacuation or order needs a human. */
export class OnCallContact {
  id: string = randomUUID();
  name!: string;
  email?: string | null;
  /** E.164, e.g. +33612345678. */
  phone?: string | null;
  channels: PageChannel[] = ['email'];
  active = true;
  /** Manual rotation: only contacts on duty are paged. */
  onDuty = true;
  /** Optional weekly window (UTC) inside which an on-duty contact is paged; always when absent. */
  dutyWindow?: DutyWindow | null;
  /** Pages below this severity do not reach this contact. */
  minSeverity: Severity = 'info';
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const OnCallContactSchema = new EntitySchema<OnCallContact>({
  class: OnCallContact,
  tableName: 'oncall_contacts',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    name: { type: 'string', length: 120 },
    email: { type: 'string', length: 254, nullable: true },
    phone: { type: 'string', length: 32, nullable: true },
    channels: { type: 'json' },
    active: { type: 'boolean', default: true },
    onDuty: { type: 'boolean', default: true },
    dutyWindow: { type: 'json', nullable: true },
    minSeverity: { type: 'string', length: 16 },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
