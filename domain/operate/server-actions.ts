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
  'pause',
  'unpause',
  'suspend',
  'resume',
  'resize',
  'confirm_resize',
  'revert_resize',
  'rebuild',
  'rescue',
  'unrescue',
  'shelve',
  'unshelve',
  'delete',
] as const;
export type ServerAction = (typeof serverActions)[number];

/** A catalog flavor a server is resized to: its sizing (the Nova flavor is named by it) and its price. */
export interface ResizeTarget {
  productId: string;
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
  hourlyPrice: number;
  monthlyPrice: number;
}

/** The resize target of a catalog flavor product (its sizing and its prices). */
export function resizeTargetOf(p: {
  id: string;
  name: string;
  vcpus?: number | null;
  ramMb?: number | null;
  diskGb?: number | null;
  hourlyPrice: number | string;
  monthlyPrice: number | string;
}): ResizeTarget {
  return {
    productId: p.id,
    name: p.name,
    vcpus: p.vcpus!,
    ramMb: p.ramMb!,
    diskGb: p.diskGb!,
    hourlyPrice: Number(p.hourlyPrice),
    monthlyPrice: Number(p.monthlyPrice),
  };
}

/** Whether a Nova flavor (as a server shows it) has the sizing of the catalog flavor `t`. */
export function hasSizing(
  f: { vcpus: number | null; ram: number | null; disk: number | null } | null | undefined,
  t: Pick<ResizeTarget, 'vcpus' | 'ramMb' | 'diskGb'>,
): boolean {
  return !!f && f.vcpus === t.vcpus && f.ram === t.ramMb && f.disk === t.diskGb;
}

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
  /** resize: the catalog flavor to go to. */
  flavor?: ResizeTarget;
  /** rebuild: the image (a resolved OpenStack id the tenant may use). */
  imageId?: string;
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
  pause: ['ACTIVE'],
  unpause: ['PAUSED'],
  suspend: ['ACTIVE'],
  resume: ['SUSPENDED'],
  resize: ['ACTIVE', 'SHUTOFF'],
  confirm_resize: ['VERIFY_RESIZE'],
  revert_resize: ['VERIFY_RESIZE'],
  rebuild: ['ACTIVE', 'SHUTOFF', 'ERROR'],
  rescue: ['ACTIVE', 'SHUTOFF', 'ERROR'],
  unrescue: ['RESCUE'],
  shelve: ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'],
  unshelve: ['SHELVED', 'SHELVED_OFFLOADED'],
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

/** The actions a server in `state` accepts now (reboot counts when either kind is accepted): what the portal offers. */
export function allowedActions(state: ServerStateView): ServerAction[] {
  return serverActions.filter((a) =>
    a === 'reboot' ? !refusalReason(a, state, 'SOFT') || !refusalReason(a, state, 'HARD') : !refusalReason(a, state),
  );
}

/** The Nova status an action settles in when it has finished (any when empty). */
export function settledStatuses(req: ServerActionRequest): readonly string[] {
  switch (req.action) {
    case 'start':
    case 'reboot':
    case 'set_password':
    case 'unpause':
    case 'resume':
    case 'unrescue':
    case 'unshelve':
      return ['ACTIVE'];
    case 'stop':
      return ['SHUTOFF'];
    case 'pause':
      return ['PAUSED'];
    case 'suspend':
      return ['SUSPENDED'];
    case 'resize':
      return ['VERIFY_RESIZE'];
    case 'confirm_resize':
    case 'revert_resize':
    case 'rebuild':
      return ['ACTIVE', 'SHUTOFF'];
    case 'rescue':
      return ['RESCUE'];
    case 'shelve':
      return ['SHELVED', 'SHELVED_OFFLOADED'];
    default:
      return [];
  }
}

/**
 * Whether the server shows that `action` was already taken by Nova (it runs or has finished): a
 * retry after a lost reply then reports success instead of Nova's 409. Only actions that move the
 * server to another state can be told this way; the others (reboot, set_password, rebuild) are
 * told by the server's instance actions.
 */
export function alreadyTaken(action: ServerAction, state: ServerStateView, rebootType?: string): boolean {
  const t = state.taskState ?? null;
  const s = state.status;
  switch (action) {
    case 'start':
      return t === 'powering-on' || (!t && s === 'ACTIVE');
    case 'stop':
      return t === 'powering-off' || (!t && s === 'SHUTOFF');
    case 'pause':
      return t === 'pausing' || (!t && s === 'PAUSED');
    case 'unpause':
      return t === 'unpausing' || (!t && s === 'ACTIVE');
    case 'suspend':
      return t === 'suspending' || (!t && s === 'SUSPENDED');
    case 'resume':
      return t === 'resuming' || (!t && s === 'ACTIVE');
    case 'resize':
      return s === 'RESIZE' || s === 'VERIFY_RESIZE';
    case 'confirm_resize':
      return !t && (s === 'ACTIVE' || s === 'SHUTOFF');
    case 'revert_resize':
      return s === 'REVERT_RESIZE' || (!t && (s === 'ACTIVE' || s === 'SHUTOFF'));
    case 'rescue':
      return t === 'rescuing' || (!t && s === 'RESCUE');
    case 'unrescue':
      return t === 'unrescuing' || (!t && s === 'ACTIVE');
    case 'shelve':
      return (t?.startsWith('shelving') ?? false) || s === 'SHELVED' || s === 'SHELVED_OFFLOADED';
    case 'unshelve':
      return t === 'unshelving' || t === 'spawning' || (!t && s === 'ACTIVE');
    case 'reboot':
      return rebootType === 'HARD' ? s === 'HARD_REBOOT' : s === 'REBOOT';
    case 'set_password':
      return s === 'PASSWORD';
    case 'rebuild':
      return s === 'REBUILD';
    default:
      return false;
  }
}

/** Nova's instance action name of each platform action (`os-instance-actions`). */
export const novaActionName: Partial<Record<ServerAction, string>> = {
  reboot: 'reboot',
  set_password: 'changePassword',
  rebuild: 'rebuild',
};

/** A request with secrets removed, fit for progress views and audit. */
export function publicParams(req: ServerActionRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (req.rebootType) out.rebootType = req.rebootType;
  if (req.imageName) out.imageName = req.imageName;
  if (req.securityGroupIds) out.securityGroupIds = req.securityGroupIds;
  if (req.flavor) out.flavor = req.flavor;
  if (req.imageId) out.imageId = req.imageId;
  return out;
}
