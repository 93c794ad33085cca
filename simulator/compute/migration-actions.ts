import type { ComputeContext } from './microversion';
import type { ComputeService } from './service';
import type { Host, Migration, Server } from './model';
import { badRequest, conflict, notFound } from './errors';
import { guard, requireAdmin } from './guards';
import { PowerState, VmState } from './state-map';
import { schemaError } from './validation';
import { hostFits, selectHost, NO_VALID_HOST } from './scheduler';
import { checkResizeQuota } from './quota';

type Obj = Record<string, unknown>;

const ctxOf = (c: ComputeContext) => ({ userId: c.get('auth').userId, requestId: c.get('requestId') });

/** Claims the destination for the server's flavor without moving the server yet. */
function claimDest(dest: Host, s: Server, flavor = s.flavor): void {
  dest.usedVcpus += flavor.vcpus;
  dest.usedMemoryMb += flavor.ram;
  dest.usedDiskGb += s.imageId ? flavor.disk : 0;
}
function unclaimDest(dest: Host, s: Server, flavor = s.flavor): void {
  dest.usedVcpus -= flavor.vcpus;
  dest.usedMemoryMb -= flavor.ram;
  dest.usedDiskGb -= s.imageId ? flavor.disk : 0;
}
/** Moves the server from its host to `dest`, whose resources were claimed already. */
function moveTo(svc: ComputeService, s: Server, dest: Host, flavor = s.flavor): void {
  svc.store.release(s);
  unclaimDest(dest, s, flavor);
  s.flavor = flavor;
  svc.store.claim(dest, s);
  svc.networking.moveTo(s, dest.name);
}

/** The target host of a migration: the named one (checked) or the scheduler's pick, never the source. */
function pickDestination(
  svc: ComputeService,
  s: Server,
  requested: string | undefined,
  flavor = s.flavor,
  force = false,
): Host {
  const diskGb = s.imageId ? flavor.disk : 0;
  if (requested) {
    const h = svc.store.hosts.get(requested);
    if (!h) throw badRequest(`Compute host ${requested} could not be found.`);
    if (h.name === s.host) throw badRequest(`Unable to migrate instance (${s.id}) to current host (${s.host}).`);
    if (!svc.store.serviceUp(h)) throw badRequest(`Compute service of ${h.name} is unavailable at this time.`);
    if (!force && !hostFits(svc.store, h, flavor, diskGb)) throw badRequest(NO_VALID_HOST);
    return h;
  }
  const h = selectHost(svc.store, { flavor, diskGb, exclude: s.host ? [s.host] : [] });
  if (!h) throw badRequest(NO_VALID_HOST);
  return h;
}

function newMigration(
  svc: ComputeService,
  s: Server,
  type: Migration['type'],
  dest: string | null,
  newFlavorId = s.flavor.id,
): Migration {
  return svc.store.addMigration({
    serverId: s.id,
    projectId: s.projectId,
    userId: s.userId,
    type,
    status: type === 'live-migration' ? 'running' : type === 'evacuation' ? 'accepted' : 'pre-migrating',
    sourceCompute: s.host ?? '',
    destCompute: dest,
    oldFlavorId: s.flavor.id,
    newFlavorId,
    memoryTotal: type === 'live-migration' ? s.flavor.ram * 1024 * 1024 : null,
    memoryProcessed: type === 'live-migration' ? 0 : null,
    diskTotal: type === 'live-migration' ? 0 : null,
    diskProcessed: type === 'live-migration' ? 0 : null,
  });
}

/** Live migrations in progress per server, so abort/force-complete can reach them. */
const pendingLive = new WeakMap<Migration, { dest: Host; finish: () => void }>();

export function liveMigrate(c: ComputeContext, svc: ComputeService, s: Server, arg: unknown): Response {
  requireAdmin(c, 'os_compute_api:os-migrate-server:migrate_live');
  const a = arg as Obj | null;
  if (!a || typeof a !== 'object') throw schemaError('os-migrateLive', arg ?? null, "is not of type 'object'");
  const mv = c.get('mv');
  if (!('host' in a))
    throw badRequest(
      `Invalid input for field/attribute os-migrateLive. Value: ${JSON.stringify(a)}. 'host' is a required property`,
    );
  if (mv < 25 && !('block_migration' in a))
    throw badRequest(
      `Invalid input for field/attribute os-migrateLive. Value: ${JSON.stringify(a)}. 'block_migration' is a required property`,
    );
  const bm = a.block_migration;
  if (
    bm !== undefined &&
    typeof bm !== 'boolean' &&
    !(mv >= 25 && bm === 'auto') &&
    !['True', 'False', 'true', 'false'].includes(String(bm))
  )
    throw schemaError(
      'os-migrateLive/block_migration',
      bm,
      "is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', ...]",
    );
  guard(c, s, 'os-migrateLive', [VmState.ACTIVE, VmState.PAUSED]);
  const source = s.host ? svc.store.hosts.get(s.host) : undefined;
  if (!source || !svc.store.serviceUp(source))
    throw badRequest(`Compute service of ${s.host} is unavailable at this time.`);
  const dest = pickDestination(
    svc,
    s,
    typeof a.host === 'string' ? a.host : undefined,
    s.flavor,
    a.force === true && mv >= 30 && mv < 68,
  );
  claimDest(dest, s);
  const mig = newMigration(svc, s, 'live-migration', dest.name);
  const act = svc.store.recordAction(s, 'live-migration', ctxOf(c));
  const g = svc.setState(s, s.vmState, 'migrating');
  const finish = () => {
    if (!svc.stillCurrent(s, g) || mig.status !== 'running') return;
    moveTo(svc, s, dest);
    mig.memoryProcessed = mig.memoryTotal;
    svc.store.setMigrationStatus(mig, 'completed');
    svc.setState(s, s.vmState, null);
    svc.store.finishAction(act, true);
  };
  pendingLive.set(mig, { dest, finish });
  svc.cloud.later(svc.cloud.options.migrateMs, finish);
  return c.body(null, 202);
}

/** DELETE /servers/{id}/migrations/{mid}: the server stays ACTIVE on its source host. */
export function abortLiveMigration(svc: ComputeService, s: Server, migrationId: number, mv: number): void {
  const mig = svc.store.migrations.get(migrationId);
  if (!mig || mig.serverId !== s.id) throw notFound(`Migration ${migrationId} not found for instance ${s.id}`);
  if (mig.type !== 'live-migration')
    throw badRequest(`Migration ${migrationId} for instance ${s.id} is not a live-migration.`);
  const abortable = mv >= 65 ? ['running', 'queued', 'preparing'] : ['running'];
  if (!abortable.includes(mig.status))
    throw (mv >= 65 ? badRequest : conflict)(
      `Migration ${migrationId} state of instance ${s.id} is ${mig.status}. Cannot abort live migration while the migration is in this state.`,
    );
  const p = pendingLive.get(mig);
  if (p) unclaimDest(p.dest, s);
  pendingLive.delete(mig);
  svc.store.setMigrationStatus(mig, 'cancelled');
  svc.setState(s, s.vmState, null);
}

/** POST /servers/{id}/migrations/{mid}/action {force_complete}: finishes the live migration now. */
export function forceCompleteLiveMigration(svc: ComputeService, s: Server, migrationId: number): void {
  const mig = svc.store.migrations.get(migrationId);
  if (!mig || mig.serverId !== s.id) throw notFound(`Migration ${migrationId} not found for instance ${s.id}`);
  if (mig.status !== 'running')
    throw badRequest(
      `Migration ${migrationId} state of instance ${s.id} is ${mig.status}. Cannot force complete while the migration is in this state.`,
    );
  pendingLive.get(mig)?.finish();
}

/** `migrate` (admin, same flavor) and `resize` (owner, new flavor) both end in VERIFY_RESIZE. */
export function coldMigrate(
  c: ComputeContext,
  svc: ComputeService,
  s: Server,
  arg: unknown,
  flavorRef: string | undefined,
): Response {
  const isResize = flavorRef !== undefined;
  const action = isResize ? 'resize' : 'migrate';
  if (!isResize) requireAdmin(c, 'os_compute_api:os-migrate-server:migrate');
  const a = (arg ?? {}) as Obj;
  guard(c, s, action, [VmState.ACTIVE, VmState.STOPPED]);
  let flavor = s.flavor;
  if (isResize) {
    const f = svc.store.visibleFlavor(flavorRef.split('/').pop()!, c.get('auth'));
    if (!f) throw badRequest(`Flavor ${flavorRef} could not be found.`);
    if (f.id === s.flavor.id) throw badRequest('When resizing, instances must change flavor!');
    if (s.imageId && f.disk < s.flavor.disk) throw badRequest('Resize error: Unable to resize disk down.');
    checkResizeQuota(svc, s.projectId, s.flavor, f);
    flavor = { ...f, extraSpecs: { ...f.extraSpecs } };
  }
  const requestedHost = !isResize && c.get('mv') >= 56 && typeof a.host === 'string' ? a.host : undefined;
  const dest = pickDestination(svc, s, requestedHost, flavor);
  claimDest(dest, s, flavor);
  const mig = newMigration(svc, s, isResize ? 'resize' : 'migration', dest.name, flavor.id);
  const act = svc.store.recordAction(s, action, ctxOf(c));
  const wasVm = s.vmState;
  const g = svc.setState(s, wasVm, 'resize_prep');
  svc.after(s, g, svc.cloud.options.migrateMs, () => {
    const oldFlavor = s.flavor;
    s.sourceHost = s.host;
    s.oldFlavor = oldFlavor;
    // Nova keeps the source allocation until confirm; model that by holding a claim on the source.
    const source = s.host ? svc.store.hosts.get(s.host) : undefined;
    moveTo(svc, s, dest, flavor);
    if (source) claimDest(source, { ...s, flavor: oldFlavor } as Server, oldFlavor);
    if (isResize) svc.store.changeFlavorUsage(s, oldFlavor, flavor);
    svc.store.setMigrationStatus(mig, 'finished');
    svc.setState(s, VmState.RESIZED, null, wasVm === VmState.STOPPED ? PowerState.SHUTDOWN : PowerState.RUNNING);
    svc.store.finishAction(act, true);
  });
  return c.body(null, 202);
}

function resizeMigration(svc: ComputeService, s: Server): Migration | undefined {
  let found: Migration | undefined;
  for (const m of svc.store.migrations.values()) if (m.serverId === s.id && m.status === 'finished') found = m;
  return found;
}

export function confirmResize(c: ComputeContext, svc: ComputeService, s: Server): Response {
  guard(c, s, 'confirmResize', [VmState.RESIZED]);
  const mig = resizeMigration(svc, s);
  if (!mig) throw badRequest(`Migration for instance ${s.id} not found`);
  const source = s.sourceHost ? svc.store.hosts.get(s.sourceHost) : undefined;
  if (source && s.oldFlavor) unclaimDest(source, { ...s, flavor: s.oldFlavor } as Server, s.oldFlavor);
  svc.store.recordAction(s, 'confirmResize', ctxOf(c));
  svc.store.setMigrationStatus(mig, 'confirmed');
  s.oldFlavor = null;
  s.sourceHost = null;
  svc.setState(s, s.powerState === PowerState.SHUTDOWN ? VmState.STOPPED : VmState.ACTIVE, null);
  return c.body(null, 204);
}

export function revertResize(c: ComputeContext, svc: ComputeService, s: Server): Response {
  guard(c, s, 'revertResize', [VmState.RESIZED]);
  const mig = resizeMigration(svc, s);
  const source = s.sourceHost ? svc.store.hosts.get(s.sourceHost) : undefined;
  if (!mig || !source || !s.oldFlavor) throw badRequest(`Migration for instance ${s.id} not found`);
  const act = svc.store.recordAction(s, 'revertResize', ctxOf(c));
  const g = svc.setState(s, VmState.RESIZED, 'resize_reverting');
  svc.after(s, g, svc.cloud.options.actionMs, () => {
    const newFlavor = s.flavor;
    const oldFlavor = s.oldFlavor!;
    moveTo(svc, s, source, oldFlavor);
    if (newFlavor.id !== oldFlavor.id) svc.store.changeFlavorUsage(s, newFlavor, oldFlavor);
    svc.store.setMigrationStatus(mig, 'reverted');
    s.oldFlavor = null;
    s.sourceHost = null;
    svc.setState(s, s.powerState === PowerState.SHUTDOWN ? VmState.STOPPED : VmState.ACTIVE, null);
    svc.store.finishAction(act, true);
  });
  return c.body(null, 202);
}

/** Rebuilds the server elsewhere; Nova refuses while the source compute service is up. */
export function evacuate(c: ComputeContext, svc: ComputeService, s: Server, arg: unknown): Response {
  requireAdmin(c, 'os_compute_api:os-evacuate');
  const mv = c.get('mv');
  const a = (arg ?? {}) as Obj;
  if (mv < 14 && a.onSharedStorage === undefined)
    throw badRequest(
      `Invalid input for field/attribute evacuate. Value: ${JSON.stringify(a)}. 'onSharedStorage' is a required property`,
    );
  guard(c, s, 'evacuate', [VmState.ACTIVE, VmState.STOPPED, VmState.ERROR]);
  const source = s.host ? svc.store.hosts.get(s.host) : undefined;
  if (source && svc.store.serviceUp(source)) throw conflict(`Compute service of ${source.name} is still in use.`);
  const requested = typeof a.host === 'string' ? a.host : undefined;
  if (requested && requested === s.host) throw badRequest("The target host can't be the same one.");
  const dest = pickDestination(svc, s, requested, s.flavor, a.force === true);
  claimDest(dest, s);
  const mig = newMigration(svc, s, 'evacuation', dest.name);
  const act = svc.store.recordAction(s, 'evacuate', ctxOf(c), { host: dest.name });
  const targetStopped = (mv >= 95 && s.vmState !== VmState.ERROR) || s.vmState === VmState.STOPPED;
  if (typeof a.adminPass === 'string') s.adminPass = a.adminPass;
  const g = svc.setState(s, s.vmState, 'rebuilding');
  svc.store.setMigrationStatus(mig, 'pre-migrating');
  svc.after(s, g, svc.cloud.options.evacuateMs, () => {
    moveTo(svc, s, dest);
    svc.store.setMigrationStatus(mig, 'done');
    s.fault = null;
    svc.setState(
      s,
      targetStopped ? VmState.STOPPED : VmState.ACTIVE,
      null,
      targetStopped ? PowerState.SHUTDOWN : PowerState.RUNNING,
    );
    svc.store.finishAction(act, true);
  });
  if (mv < 14) return c.json({ adminPass: s.adminPass }, 200);
  return c.body(null, 200);
}
