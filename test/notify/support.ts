import type { Orm } from '../../domain/db/orm';
import { OnCallContact } from '../../domain/entities';
import type { PageInput, PageOutcome } from '../../workflows/page';
import type { TestPlatform } from '../support/platform';
import { eventually } from '../support/eventually';

export { eventually };

/** Replaces every on-call contact with these. */
export async function setContacts(
  orm: Orm,
  contacts: Array<Partial<OnCallContact> & { name: string }>,
): Promise<OnCallContact[]> {
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
