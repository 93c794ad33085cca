import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A management process (an API process) that reports itself alive every few seconds. */
export class ProcessHeartbeat {
  id: string = randomUUID();
  kind!: string;
  host!: string;
  pid!: number;
  version!: string;
  startedAt!: Date;
  lastSeenAt!: Date;
  stoppedAt?: Date | null;
}

export const ProcessHeartbeatSchema = new EntitySchema<ProcessHeartbeat>({
  class: ProcessHeartbeat,
  tableName: 'process_heartbeats',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    kind: { type: 'string', length: 32 },
    host: { type: 'string', length: 255 },
    pid: { type: 'integer' },
    version: { type: 'string', length: 64 },
    startedAt: { type: 'datetime' },
    lastSeenAt: { type: 'datetime', index: true },
    stoppedAt: { type: 'datetime', nullable: true },
  },
});
