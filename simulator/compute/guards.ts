import type { Server } from './model';
import type { ComputeContext } from './microversion';
import { instanceLocked, invalidState, policyForbidden } from './errors';

/**
 * Nova's check_instance_lock + check_instance_state decorators: 409 when locked (non-admin),
 * when vm_state is not allowed, or when task_state is not allowed (default: no task running).
 */
export function guard(
  c: ComputeContext,
  s: Server,
  action: string,
  vmStates: readonly string[] | null,
  taskStates: ReadonlyArray<string | null> = [null],
  checkLock = true,
): void {
  if (checkLock && s.locked && !c.get('auth').isAdmin) throw instanceLocked(s.id);
  if (vmStates && !vmStates.includes(s.vmState)) throw invalidState(action, s.id, 'vm_state', s.vmState);
  if (!taskStates.includes(s.taskState)) throw invalidState(action, s.id, 'task_state', s.taskState);
}

export function requireAdmin(c: ComputeContext, rule: string): void {
  if (!c.get('auth').isAdmin) throw policyForbidden(rule);
}
