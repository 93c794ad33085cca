import type { Server } from './model';
import type { ComputeService } from './service';
import { PowerState, VmState } from './state-map';

/**
 * DELETE /servers/{id}: task_state `deleting` now; after actionMs the host's resources are
 * freed, ports Nova created are deleted (others unbound), volumes detached (and deleted when
 * `delete_on_termination`), and the server disappears from listings.
 */
export function deleteServer(svc: ComputeService, s: Server, ctx: { userId: string; requestId: string }): void {
  const action = svc.store.recordAction(s, 'delete', ctx);
  const g = svc.setState(s, s.vmState, 'deleting');
  svc.after(s, g, svc.cloud.options.actionMs, () => {
    finishDelete(svc, s);
    svc.store.finishAction(action, true);
  });
}

/** Frees everything the server holds and soft-deletes it. */
export function finishDelete(svc: ComputeService, s: Server): void {
  svc.networking.release(s);
  for (const v of s.volumes) {
    svc.blockStorage.detach(v.volumeId, s.id);
    if (v.deleteOnTermination) svc.blockStorage.delete(v.volumeId, s.projectId);
  }
  svc.store.release(s);
  const now = svc.cloud.isoNow();
  s.terminatedAt = now;
  svc.setState(s, VmState.DELETED, null, PowerState.NOSTATE);
  svc.store.markDeleted(s);
  s.updatedAt = now;
}
