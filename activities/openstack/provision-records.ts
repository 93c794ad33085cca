import type { Orm } from '../../domain/db/orm';
import { meterResources } from '../../domain/db/usage-meter';
import { CloudResource, type CloudResourceKind } from '../../domain/entities';
import type { ProvisionRef } from './provision-types';

/**
 * The platform's record of an object provisioning created, written as soon as OpenStack has it so a
 * rollback (or the operations views) can find it. Recording the same object again changes nothing.
 */
export async function recordCreated(
  orm: Orm,
  ref: ProvisionRef,
  kind: CloudResourceKind,
  openstackId: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<void> {
  const em = orm.em.fork();
  if (await em.findOne(CloudResource, { kind, openstackId })) return;
  em.persist(
    Object.assign(new CloudResource(), {
      tenantId: ref.tenantId,
      kind,
      openstackId,
      name,
      status: 'provisioning' as const,
      orderId: ref.orderId,
      orderItemId: ref.itemId,
      spec: { ...spec, tag: ref.tag },
    }),
  );
  try {
    await em.flush();
  } catch (e) {
    // A concurrent retry recorded it first (unique kind + openstackId).
    if (!(await orm.em.fork().findOne(CloudResource, { kind, openstackId }))) throw e;
  }
}

export async function markDeleted(orm: Orm, kind: CloudResourceKind, openstackId: string): Promise<void> {
  const em = orm.em.fork();
  const closed = await em.nativeUpdate(
    CloudResource,
    { kind, openstackId, status: { $ne: 'deleted' } },
    { status: 'deleted', deletedAt: new Date(), updatedAt: new Date() },
  );
  // A native update bypasses the flush that meters records: its usage interval is closed here.
  if (closed) await meterResources(em, await em.fork().find(CloudResource, { kind, openstackId }));
}

/** Removal order: what hangs on others goes first. */
const teardownOrder: CloudResourceKind[] = [
  'floating_ip',
  'load_balancer',
  'server',
  'volume',
  'router',
  'port',
  'security_group',
  'subnet',
  'network',
];

export async function liveRecordsOfItem(orm: Orm, itemId: string): Promise<CloudResource[]> {
  const rows = await orm.em.fork().find(CloudResource, { orderItemId: itemId, status: { $ne: 'deleted' } });
  return rows
    .filter((r) => r.openstackId)
    .sort((a, b) => teardownOrder.indexOf(a.kind) - teardownOrder.indexOf(b.kind));
}

/** What OpenStack reports of one delivered object: its status and the attributes the operations views read. */
export interface DeliveredState {
  osStatus: string | null;
  attributes: Record<string, unknown>;
}

/**
 * Marks the item's records active with what OpenStack reports of each object at delivery (the same
 * shape the operate workflows keep up to date), plus what provisioning itself knows (`extra`).
 */
export async function activateRecords(
  orm: Orm,
  itemId: string,
  describe: (r: CloudResource) => Promise<DeliveredState | null>,
  extra: Record<string, Record<string, unknown>>,
): Promise<void> {
  const em = orm.em.fork();
  const rows = await em.find(CloudResource, { orderItemId: itemId, status: 'provisioning' });
  for (const r of rows) {
    const state = r.openstackId ? await describe(r) : null;
    r.status = 'active';
    r.attributes = { ...r.attributes, ...state?.attributes, ...(r.openstackId ? extra[r.openstackId] : undefined) };
    if (state?.osStatus) r.osStatus = state.osStatus;
    else if (r.kind === 'server') r.osStatus = 'ACTIVE';
  }
  await em.flush();
}
