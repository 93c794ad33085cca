import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator } from '../../simulator/server';
import { SimClient, eventually, login } from './sim-client';

/** Neutron, Cinder, Glance and Octavia state written to the state file comes back after a restart. */
describe('network, volume, image and load-balancer state across a restart', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sim-state-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('restores what was created before the restart', async () => {
    const stateFile = path.join(dir, 'state.json');
    const first = await startSimulator({ stateFile, actionMs: 10 });
    const c = new SimClient(first.url, await login(first.url, 'admin', 'secret', 'admin'));
    const project = first.cloud.service('identity').findProject('admin')!.id;
    const net = (await c.post('/network/v2.0/networks', { network: { name: 'kept' } })).body.network;
    const subnet = (
      await c.post('/network/v2.0/subnets', { subnet: { network_id: net.id, ip_version: 4, cidr: '10.44.0.0/24' } })
    ).body.subnet;
    const port = (await c.post('/network/v2.0/ports', { port: { network_id: net.id } })).body.port;
    const vol = (await c.post(`/volume/v3/${project}/volumes`, { volume: { size: 1, name: 'kept-vol' } })).body.volume;
    await eventually(
      async () => (await c.get(`/volume/v3/${project}/volumes/${vol.id}`)).body.volume.status === 'available',
    );
    const img = (await c.post('/image/v2/images', { name: 'kept-img', disk_format: 'raw', container_format: 'bare' }))
      .body;
    await c.put(`/image/v2/images/${img.id}/file`, 'kept bytes', { 'content-type': 'application/octet-stream' });
    const lb = (
      await c.post('/load-balancer/v2/lbaas/loadbalancers', {
        loadbalancer: { name: 'kept-lb', vip_subnet_id: subnet.id },
      })
    ).body.loadbalancer;
    await first.close();

    const second = await startSimulator({ stateFile, actionMs: 10 });
    try {
      const d = new SimClient(second.url, await login(second.url, 'admin', 'secret', 'admin'));
      expect((await d.get(`/network/v2.0/networks/${net.id}`)).body.network.subnets).toEqual([subnet.id]);
      expect((await d.get(`/network/v2.0/ports/${port.id}`)).body.port.fixed_ips).toEqual(port.fixed_ips);
      const again = (await d.post('/network/v2.0/ports', { port: { network_id: net.id } })).body.port;
      expect(again.fixed_ips[0].ip_address).not.toBe(port.fixed_ips[0].ip_address);
      expect((await d.get(`/volume/v3/${project}/volumes/${vol.id}`)).body.volume).toMatchObject({
        name: 'kept-vol',
        status: 'available',
      });
      expect((await d.get(`/image/v2/images/${img.id}`)).body).toMatchObject({
        name: 'kept-img',
        status: 'active',
        size: 10,
      });
      expect((await d.get(`/image/v2/images/${img.id}/file`)).body).toBe('kept bytes');
      expect((await d.get(`/load-balancer/v2/lbaas/loadbalancers/${lb.id}`)).body.loadbalancer).toMatchObject({
        name: 'kept-lb',
        provisioning_status: 'ACTIVE',
      });
      expect((await d.get('/image/v2/images?name=cirros-0.6.2-x86_64-disk')).body.images).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
