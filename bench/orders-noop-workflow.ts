import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '30 seconds' });

/** The bench's baseline: a bare workflow running `count` no-op activities one after another. */
export async function noopActivitiesWorkflow(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await noop();
}
