import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A management process (an API or a worker process) that reports itself alive every few seconds, and stopped when it ends. */
export class ProcessHeartbeat {
  id: string = randomUUID();
  kind!: 'api' | 'worker';
  /** The worker's Temporal identity (as DescribeTaskQueue lists its pollers). */
  identity!: string;
  /** Task queues a worker polls. */
  queues: string[] = [];
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
    identity: { type: 'string', length: 255 },
    queues: { type: 'json' },
    host: { type: 'string', length: 255 },
    pid: { type: 'integer' },
    version: { type: 'string', length: 64 },
    startedAt: { type: 'datetime' },
    lastSeenAt: { type: 'datetime', index: true },
    stoppedAt: { type: 'datetime', nullable: true },
  },
});
