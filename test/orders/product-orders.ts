import { openCloud } from '../../activities/openstack';
import { ensureTenantProject } from '../../activities/openstack/provision-project';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { eventually, type OrderRig } from './support';

type User = { token: string; tenantId: string };

/** Submits the items as the user, approves as the operator and waits for the order's end (delivered or failed). */
export async function orderAndDeliver(rig: OrderRig, user: User, items: unknown[]) {
  const { p, operator } = rig;
  const submit = await p.call('POST', '/api/v1/orders', { token: user.token, body: { items } });
  if (submit.status !== 201) throw new Error(`order: ${submit.status} ${JSON.stringify(submit.body)}`);
  const orderId = submit.body.id as string;
  await eventually(
    () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
    (r) => r.body.status === 'pending_approval',
  );
  await p.call('POST', `/api/v1/orders/${orderId}/approve`, { token: operator, body: { reason: 'ok' } });
  const done = await eventually(
    () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
    (r) => ['delivered', 'failed'].includes(r.body.status),
    90_000,
  );
  return done.body;
}

/** The user's OpenStack project (made on this need) and the service account's clients there and in admin scope. */
export async function tenantCloud(rig: OrderRig, user: User) {
  const cloud = openCloud(simulatorProvisionSettings(rig.sim.url));
  const { projectId } = await ensureTenantProject(rig.p.db.orm, cloud, user.tenantId);
  return { projectId, mine: cloud.tenant(projectId), admin: cloud.admin() };
}
