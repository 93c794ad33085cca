import type { Orm } from '../../domain/db/orm';
import { OnCallContact } from '../../domain/entities';
import type { PageInput, PageOutcome } from '../../workflows/page';
import type { TestPlatform } from '../support/platform';

export async function eventually<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Replaces every on-call contact with these. */
export async function setContacts(orm: Orm, contacts: Array<Partial<OnCallContact> & { name: string }>): Promise<OnCallContact[]> {
  const em = orm.em.fork();
  await em.nativeDelete(OnCallContact, {});
  const made = contacts.map((c) => Object.assign(new OnCallContact(), c));
  await em.persistAndFlush(made);
  return made;
}

/** Runs pageOnCallWorkflow on the suite's queues and waits for its outcome. */
export function runPage(p: TestPlatform, input: PageInput): Promise<PageOutcome> {
  return p.temporal.client.workflow.execute('pageOnCallWorkflow', {
    taskQueue: p.deps.queues.orchestration,
    workflowId: `page-${input.dedupKey}`,
    args: [input],
  });
}
