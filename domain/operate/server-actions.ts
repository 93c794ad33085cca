/**
 * What a tenant may ask of a server, and in which Nova states. Mirrors Nova's check_instance_state
 * rules so the platform answers 409 before bothering the cloud; Nova's own 409 still wins when the
 * state moved in between.
 */
export const serverActions = [
  'start',
  'stop',
  'reboot',
  'set_password',
  'snapshot',
  'set_security_groups',
  'delete',
] as const;
export type ServerAction = (typeof serverActions)[number];

export interface ServerActionRequest {
  action: ServerAction;
  /** reboot: SOFT (default) or HARD. */
  rebootType?: 'SOFT' | 'HARD';
  /** snapshot: name of the image to create. */
  imageName?: string;
  /** set_password: the new admin password (never kept in progress or audit). */
  password?: string;
  /** set_security_groups: the tenant's security groups (resolved OpenStack ids) every port of the server gets. */
  securityGroupIds?: string[];
  requestedBy?: string;
}

/** Nova API `status` values in which each action is accepted (task_state must be empty unless noted). */
const allowed: Record<string, readonly string[]> = {
  start: ['SHUTOFF'],
  stop: ['ACTIVE', 'ERROR'],
  'reboot:SOFT': ['ACTIVE'],
  'reboot:HARD': ['ACTIVE', 'PAUSED', 'SHUTOFF', 'SUSPENDED', 'ERROR', 'REBOOT', 'HARD_REBOOT'],
  set_password: ['ACTIVE'],
  snapshot: ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'],
  console: ['ACTIVE'],
};

/** Actions that may interrupt a running task (Nova lets hard reboot and delete do that). */
const ignoresTask = new Set(['reboot:HARD', 'delete']);

export interface ServerStateView {
  status: string;
  taskState?: string | null;
}

function key(action: ServerAction | 'console', rebootType?: string): string {
  return action === 'reboot' ? `reboot:${rebootType ?? 'SOFT'}` : action;
}

/** Why `action` is refused in `state`, or null when it may go ahead. */
export function refusalReason(
  action: ServerAction | 'console',
  state: ServerStateView,
  rebootType?: string,
): string | null {
  const k = key(action, rebootType);
  const label = action === 'reboot' ? `${(rebootType ?? 'SOFT').toLowerCase()} reboot` : action.replace('_', ' ');
  if (state.status === 'DELETED' || state.status === 'SOFT_DELETED')
    return `cannot ${label}: the server is ${state.status}`;
  if (state.taskState && !ignoresTask.has(k))
    return `cannot ${label}: the server is ${state.status} and busy with task ${state.taskState}`;
  const ok = allowed[k];
  if (ok && !ok.includes(state.status))
    return `cannot ${label}: the server is ${state.status} (allowed in ${ok.join(', ')})`;
  return null;
}

/** The Nova status an action settles in when it has finished. */
export function settledStatuses(req: ServerActionRequest): readonly string[] {
  switch (req.action) {
    case 'start':
    case 'reboot':
    case 'set_password':
      return ['ACTIVE'];
    case 'stop':
      return ['SHUTOFF'];
    default:
      return [];
  }
}

/** A request with secrets removed, fit for progress views and audit. */
export function publicParams(req: ServerActionRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (req.rebootType) out.rebootType = req.rebootType;
  if (req.imageName) out.imageName = req.imageName;
  if (req.securityGroupIds) out.securityGroupIds = req.securityGroupIds;
  return out;
}
