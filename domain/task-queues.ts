/**
 * Task queue names. Every queue of one deployment shares a prefix (empty in production, unique per
 * test suite), and a workflow derives the others from its own queue so child workflows and
 * activities land on the same deployment.
 */
export interface TaskQueues {
  orchestration: string;
  openstack: string;
  notify: string;
}

export function taskQueues(prefix = ''): TaskQueues {
  return {
    orchestration: `${prefix}cmp-orchestration`,
    openstack: `${prefix}cmp-openstack`,
    notify: `${prefix}cmp-notify`,
  };
}

/** The queues of the deployment whose orchestration queue is `orchestrationQueue`. */
export function queuesOf(orchestrationQueue: string): TaskQueues {
  return taskQueues(orchestrationQueue.replace(/cmp-[a-z]+$/, ''));
}
