import { ConfigError } from '../../config';
import type { QueueName } from '../../workers/run';

export const queueNames: QueueName[] = ['orchestration', 'openstack', 'notify'];

/** One worker process: its name in the launcher's output and pid files, and the queues it polls (all when empty). */
export interface WorkerProcess {
  name: string;
  queues: QueueName[];
}

/**
 * The worker processes `WORKERS` asks for: unset or `1` one process polling every queue (`worker`);
 * `N` that many such processes (`worker-1` … `worker-N`); `orchestration:1,openstack:3` per queue
 * (`worker-openstack-1` … ; a queue not named gets one process of its own).
 */
export function workerPlan(spec: string | undefined): WorkerProcess[] {
  const value = spec ?? '';
  if (!value) return [{ name: 'worker', queues: [] }];
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n < 1) throw new ConfigError(`WORKERS must be at least 1, got ${value}`);
    return n === 1
      ? [{ name: 'worker', queues: [] }]
      : Array.from({ length: n }, (_, i) => ({ name: `worker-${i + 1}`, queues: [] }));
  }
  const counts = new Map<QueueName, number>(queueNames.map((q) => [q, 1]));
  for (const part of value.split(',')) {
    const [queue, count] = part.split(':');
    if (!queueNames.includes(queue as QueueName))
      throw new ConfigError(`WORKERS: unknown task queue ${queue} (one of ${queueNames.join(', ')})`);
    if (!/^\d+$/.test(count ?? '') || Number(count) < 1)
      throw new ConfigError(`WORKERS: ${queue} needs a count of at least 1, got ${count ?? 'none'}`);
    counts.set(queue as QueueName, Number(count));
  }
  return queueNames.flatMap((q) => {
    const n = counts.get(q)!;
    return Array.from({ length: n }, (_, i) => ({
      name: n === 1 ? `worker-${q}` : `worker-${q}-${i + 1}`,
      queues: [q],
    }));
  });
}
