import { describeIfShared, loadSample } from '../support/openstack-spec';
import { eventually, startFixture, type SimFixture } from './sim-client';

/**
 * Every attribute of the official response samples appears in the simulator's answer for the same
 * resource, except those of API extensions the simulator does not advertise (listed per sample).
 */
const notSimulated: Record<string, string[]> = {
  'networks/network-show-response.json': ['dns_domain', 'pvlan', 'vlan_transparent', 'qinq'],
  'ports/port-show-response.json': [
    'dns_assignment',
    'dns_domain',
    'dns_name',
    'pvlan_type',
    'pvlan_community',
    'hardware_offload_type',
  ],
  'floatingips/floatingip-show-response.json': ['dns_domain', 'dns_name'],
};

let f: SimFixture;
const mv = { 'OpenStack-API-Version': 'volume 3.70' };

describeIfShared(
  'response shapes match the official samples',
  () => {
    beforeAll(async () => {
      f = await startFixture();
    });
    afterAll(() => f.sim.close());

    it('Neutron, Cinder and Glance resources carry every sample attribute', async () => {
      const c = f.admin;
      const project = f.sim.cloud.service('identity').findProject('admin')!.id;
      const V = `/volume/v3/${project}`;
      const pub = (await c.get('/network/v2.0/networks?name=public')).body.networks[0];
      const net = (await c.post('/network/v2.0/networks', { network: { name: 'shape' } })).body.network;
      const subnet = (
        await c.post('/network/v2.0/subnets', { subnet: { network_id: net.id, ip_version: 4, cidr: '10.50.0.0/24' } })
      ).body.subnet;
      const port = (await c.post('/network/v2.0/ports', { port: { network_id: net.id } })).body.port;
      const router = (
        await c.post('/network/v2.0/routers', { router: { name: 'r', external_gateway_info: { network_id: pub.id } } })
      ).body.router;
      await c.put(`/network/v2.0/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });
      const fip = (
        await c.post('/network/v2.0/floatingips', { floatingip: { floating_network_id: pub.id, port_id: port.id } })
      ).body.floatingip;
      const sg = (await c.get('/network/v2.0/security-groups')).body.security_groups[0];
      const policy = (await c.post('/network/v2.0/qos/policies', { policy: { name: 'q' } })).body.policy;
      const vol = (await c.post(`${V}/volumes`, { volume: { size: 1 } }, mv)).body.volume;
      await eventually(async () => (await c.get(`${V}/volumes/${vol.id}`)).body.volume.status === 'available');
      const snap = (await c.post(`${V}/snapshots`, { snapshot: { volume_id: vol.id } }, mv)).body.snapshot;
      const image = (await c.get('/image/v2/images?name=cirros-0.6.2-x86_64-disk')).body.images[0];

      const cases: Array<
        [service: 'network' | 'block-storage' | 'image', sample: string, key: string, ours: Record<string, unknown>]
      > = [
        [
          'network',
          'networks/network-show-response.json',
          'network',
          (await c.get(`/network/v2.0/networks/${net.id}`)).body.network,
        ],
        [
          'network',
          'subnets/subnet-show-response.json',
          'subnet',
          (await c.get(`/network/v2.0/subnets/${subnet.id}`)).body.subnet,
        ],
        ['network', 'ports/port-show-response.json', 'port', (await c.get(`/network/v2.0/ports/${port.id}`)).body.port],
        [
          'network',
          'routers/router-show-response.json',
          'router',
          (await c.get(`/network/v2.0/routers/${router.id}`)).body.router,
        ],
        [
          'network',
          'floatingips/floatingip-show-response.json',
          'floatingip',
          (await c.get(`/network/v2.0/floatingips/${fip.id}`)).body.floatingip,
        ],
        ['network', 'security-groups/security-group-show-response.json', 'security_group', sg],
        [
          'network',
          'security-groups/security-group-rule-show-response.json',
          'security_group_rule',
          sg.security_group_rules[0],
        ],
        ['network', 'qos/policy-show-response.json', 'policy', policy],
        [
          'block-storage',
          'volumes/v3.69/volume-show-response.json',
          'volume',
          (await c.get(`${V}/volumes/${vol.id}`, mv)).body.volume,
        ],
        [
          'block-storage',
          'snapshots/v3.65/snapshot-show-response.json',
          'snapshot',
          (await c.get(`${V}/snapshots/${snap.id}`, mv)).body.snapshot,
        ],
        ['image', 'image-show-response.json', '', image],
      ];
      for (const [service, file, key, ours] of cases) {
        const sample = loadSample(service, file);
        const expected = Object.keys(key ? sample[key] : sample).filter((k) => !(notSimulated[file] ?? []).includes(k));
        const missing = expected.filter((k) => !(k in ours));
        expect({ file, missing }).toEqual({ file, missing: [] });
      }
    });
  },
  { samples: true },
);
