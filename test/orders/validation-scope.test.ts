import { randomUUID } from 'node:crypto';
import { openCloud } from '../../activities/openstack';
import { createProvisionActivities } from '../../activities/openstack/provision';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import type { PlannedItem } from '../../activities/db/orders';
import { Tenant } from '../../domain/entities';
import { startOrderRig, type OrderRig } from './support';

/** The order workflow's check of its servers' image and network reads them as the tenant sees them. */
describe("order validation in the tenant's project scope (simulator)", () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig();
  });
  afterAll(async () => rig?.close());

  const server = (imageId: string, networkId?: string): PlannedItem => ({
    id: randomUUID(),
    kind: 'server',
    spec: { kind: 'server', name: 'v', flavorId: rig.flavorId, imageId, ...(networkId ? { networkId } : {}) },
  });

  it("finds public images and shared networks, not another project's private ones, making the tenant's project on first need", async () => {
    const settings = simulatorProvisionSettings(rig.sim.url);
    const provision = createProvisionActivities(rig.p.db.orm, settings);
    const a = await rig.p.tenantUser();
    const b = await rig.p.tenantUser();
    const { projectId: projectB } = await provision.ensureTenantProject({ tenantId: b.tenantId });
    const ofB = openCloud(settings).tenant(projectB);
    const image = await ofB.image.createImage({
      name: 'b-private',
      disk_format: 'qcow2',
      container_format: 'bare',
      visibility: 'private',
    });
    const network = await ofB.network.createNetwork({ name: 'b-net' });
    // The admin scope sees both: an admin-scoped check would let them through.
    const admin = openCloud(settings).admin();
    expect((await admin.image.getImage(image.id)).id).toBe(image.id);
    expect((await admin.network.getNetwork(network.id)).id).toBe(network.id);

    const em = () => rig.p.db.orm.em.fork();
    expect((await em().findOneOrFail(Tenant, { id: a.tenantId })).openstackProjectId ?? null).toBeNull();
    expect(await provision.validateOrderItems({ tenantId: a.tenantId, items: [server(rig.imageId)] })).toEqual({
      problem: null,
    });
    expect((await em().findOneOrFail(Tenant, { id: a.tenantId })).openstackProjectId).toEqual(expect.any(String));

    const privateImage = server(image.id);
    expect(await provision.validateOrderItems({ tenantId: a.tenantId, items: [privateImage] })).toEqual({
      problem: `image ${image.id} not found`,
      itemId: privateImage.id,
    });
    const privateNet = server(rig.imageId, network.id);
    expect(await provision.validateOrderItems({ tenantId: a.tenantId, items: [privateNet] })).toEqual({
      problem: `network ${network.id} not found`,
      itemId: privateNet.id,
    });
    expect(await provision.validateOrderItems({ tenantId: b.tenantId, items: [server(image.id, network.id)] })).toEqual(
      { problem: null },
    );
  });
});
