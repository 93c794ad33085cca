import {
  describeIfShared,
  loadSample,
  validateRequest,
  type OpenStackService,
} from '../../test/support/openstack-spec';
import { createOpenStackClient, passwordCloud, TokenCache, type OpenStackClient } from './index';
import { startStubCloud, type StubRequest } from './testing/stub-cloud';

/**
 * Feeds the official response samples to the typed client through a loopback stub: each call
 * must parse its sample, and each request body it sends must validate against the spec.
 */
type Stub = Awaited<ReturnType<typeof startStubCloud>>;

interface Case {
  name: string;
  service: Exclude<OpenStackService, 'load-balancer'>;
  sample: string;
  status?: number;
  microversion?: string;
  call: (c: OpenStackClient) => Promise<unknown>;
  check: (result: any) => void;
}

const cases: Case[] = [
  {
    name: 'getServer',
    service: 'compute',
    sample: 'servers/server-get-resp.json',
    call: (c) => c.compute.getServer('s'),
    check: (r) => expect(r).toMatchObject({ id: expect.any(String), status: 'ACTIVE' }),
  },
  {
    name: 'listServers',
    service: 'compute',
    sample: 'servers/servers-details-resp.json',
    call: (c) => c.compute.listServers(),
    check: (r) => expect(r[0].addresses).toBeDefined(),
  },
  {
    name: 'createServer',
    service: 'compute',
    sample: 'servers/server-create-resp.json',
    status: 202,
    call: (c) =>
      c.compute.createServer({
        name: 'n',
        flavorRef: '1',
        imageRef: 'i',
        networks: 'auto',
        metadata: { cmp_key: 'k' },
      }),
    check: (r) => expect(r.id).toEqual(expect.any(String)),
  },
  {
    name: 'createImage',
    service: 'compute',
    sample: 'servers/v2.45/server-action-create-image-resp.json',
    status: 202,
    call: (c) => c.compute.createImage('s', 'snap'),
    check: (r) => expect(r).toEqual(expect.any(String)),
  },
  {
    name: 'listFlavors',
    service: 'compute',
    sample: 'flavors/flavors-detail-resp.json',
    call: (c) => c.compute.listFlavors(),
    check: (r) => expect(r[0]).toMatchObject({ id: expect.any(String), vcpus: expect.any(Number) }),
  },
  {
    name: 'listHypervisors',
    service: 'compute',
    sample: 'os-hypervisors/v2.88/hypervisors-detail-resp.json',
    call: (c) => c.compute.listHypervisors(),
    check: (r) => expect(r[0]).toMatchObject({ hypervisor_hostname: expect.any(String), state: 'up' }),
  },
  {
    name: 'listServices',
    service: 'compute',
    sample: 'os-services/v2.53/services-list-get-resp.json',
    call: (c) => c.compute.listServices(),
    check: (r) => expect(r[0]).toMatchObject({ binary: expect.any(String), host: expect.any(String) }),
  },
  {
    name: 'forceDownService',
    service: 'compute',
    sample: 'os-services/v2.53/service-force-down-put-resp.json',
    call: (c) => c.compute.forceDownService('svc'),
    check: (r) => expect(r.forced_down).toBe(true),
  },
  {
    name: 'listMigrations',
    service: 'compute',
    sample: 'os-migrations/v2.80/migrations-get.json',
    call: (c) => c.compute.listMigrations(),
    check: (r) => expect(r[0]).toMatchObject({ instance_uuid: expect.any(String), status: expect.any(String) }),
  },
  {
    name: 'listServerMigrations',
    service: 'compute',
    sample: 'server-migrations/v2.80/migrations-index.json',
    call: (c) => c.compute.listServerMigrations('s'),
    check: (r) => expect(r[0].server_uuid).toEqual(expect.any(String)),
  },
  {
    name: 'listInstanceActions',
    service: 'compute',
    sample: 'os-instance-actions/v2.84/instance-actions-list-resp.json',
    call: (c) => c.compute.listInstanceActions('s'),
    check: (r) => expect(r[0].request_id).toEqual(expect.any(String)),
  },
  {
    name: 'updateQuotaSet',
    service: 'compute',
    sample: 'os-quota-sets/quotas-update-post-resp.json',
    call: (c) => c.compute.updateQuotaSet('p', { cores: 40 }),
    check: (r) => expect(r.cores).toEqual(expect.any(Number)),
  },
  {
    name: 'listVolumeAttachments',
    service: 'compute',
    sample: 'os-volume_attachments/v2.89/list-volume-attachments-resp.json',
    call: (c) => c.compute.listVolumeAttachments('s'),
    check: (r) => expect(r[0].volumeId).toEqual(expect.any(String)),
  },
  {
    name: 'attachVolume',
    service: 'compute',
    sample: 'os-volume_attachments/v2.89/attach-volume-to-server-resp.json',
    call: (c) => c.compute.attachVolume('s', 'a26887c6-c47b-4654-abb5-dfadf7d3f803'),
    check: (r) => expect(r.volumeId).toEqual(expect.any(String)),
  },
  {
    name: 'createRemoteConsole',
    service: 'compute',
    sample: 'os-remote-consoles/v2.8/create-mks-console-resp.json',
    call: (c) => c.compute.createRemoteConsole('s', 'mks', 'webmks'),
    check: (r) => expect(r.url).toEqual(expect.any(String)),
  },
  {
    name: 'listNetworks',
    service: 'network',
    sample: 'networks/networks-list-response.json',
    call: (c) => c.network.listNetworks(),
    check: (r) => expect(r[0].subnets).toBeDefined(),
  },
  {
    name: 'createNetwork',
    service: 'network',
    sample: 'networks/network-create-response.json',
    status: 201,
    call: (c) => c.network.createNetwork({ name: 'net1', admin_state_up: true }),
    check: (r) => expect(r.id).toEqual(expect.any(String)),
  },
  {
    name: 'listSubnets',
    service: 'network',
    sample: 'subnets/subnets-list-response.json',
    call: (c) => c.network.listSubnets(),
    check: (r) => expect(r[0].cidr).toEqual(expect.any(String)),
  },
  {
    name: 'createSubnet',
    service: 'network',
    sample: 'subnets/subnet-create-response.json',
    status: 201,
    call: (c) =>
      c.network.createSubnet({
        network_id: 'd32019d3-bc6e-4319-9c1d-6722fc136a22',
        cidr: '10.0.0.0/24',
        ip_version: 4,
      }),
    check: (r) => expect(r.cidr).toEqual(expect.any(String)),
  },
  {
    name: 'listPorts',
    service: 'network',
    sample: 'ports/ports-list-response.json',
    call: (c) => c.network.listPorts(),
    check: (r) => expect(r[0].fixed_ips).toBeDefined(),
  },
  {
    name: 'createPort',
    service: 'network',
    sample: 'ports/port-create-response.json',
    status: 201,
    call: (c) => c.network.createPort({ network_id: 'a87cc70a-3e15-4acf-8205-9b711a3531b7', name: 'p' }),
    check: (r) => expect(r.mac_address).toEqual(expect.any(String)),
  },
  {
    name: 'listRouters',
    service: 'network',
    sample: 'routers/routers-list-response.json',
    call: (c) => c.network.listRouters(),
    check: (r) => expect(r[0].id).toEqual(expect.any(String)),
  },
  {
    name: 'createRouter',
    service: 'network',
    sample: 'routers/router-create-response.json',
    status: 201,
    call: (c) => c.network.createRouter({ name: 'r', admin_state_up: true }),
    check: (r) => expect(r.id).toEqual(expect.any(String)),
  },
  {
    name: 'addRouterInterface',
    service: 'network',
    sample: 'routers/router-add-interface-response.json',
    call: (c) => c.network.addRouterInterface('r', { subnet_id: 'a2f1f29d-571b-4533-907f-5803ab96ead1' }),
    check: (r) => expect(r.port_id).toEqual(expect.any(String)),
  },
  {
    name: 'listFloatingIps',
    service: 'network',
    sample: 'floatingips/floating-ips-list-response.json',
    call: (c) => c.network.listFloatingIps(),
    check: (r) => expect(r[0].floating_ip_address).toEqual(expect.any(String)),
  },
  {
    name: 'createFloatingIp',
    service: 'network',
    sample: 'floatingips/floatingip-create-response.json',
    status: 201,
    call: (c) => c.network.createFloatingIp({ floating_network_id: '376da547-b977-4cfe-9cba-275c80debf57' }),
    check: (r) => expect(r.floating_ip_address).toEqual(expect.any(String)),
  },
  {
    name: 'listSecurityGroups',
    service: 'network',
    sample: 'security-groups/security-groups-list-response.json',
    call: (c) => c.network.listSecurityGroups(),
    check: (r) => expect(r[0].security_group_rules).toBeDefined(),
  },
  {
    name: 'createSecurityGroupRule',
    service: 'network',
    sample: 'security-groups/security-group-rule-create-response.json',
    status: 201,
    call: (c) =>
      c.network.createSecurityGroupRule({
        security_group_id: 'a7734e61-b545-452d-a3cd-0189cbd9747a',
        direction: 'ingress',
        protocol: 'tcp',
        port_range_min: 80,
        port_range_max: 80,
      }),
    check: (r) => expect(r.direction).toBe('ingress'),
  },
  {
    name: 'listQosPolicies',
    service: 'network',
    sample: 'qos/policies-list-response.json',
    call: (c) => c.network.listQosPolicies(),
    check: (r) => expect(r[0].rules).toBeDefined(),
  },
  {
    name: 'createBandwidthLimitRule',
    service: 'network',
    sample: 'qos/bandwidth_limit_rule-create-response.json',
    status: 201,
    call: (c) => c.network.createBandwidthLimitRule('46ebaec0-0570-43ac-82f6-60d2b03168c4', { max_kbps: 10000 }),
    check: (r) => expect(r.max_kbps).toEqual(expect.any(Number)),
  },
  {
    name: 'listVolumes',
    service: 'volume',
    sample: 'volumes/volumes-list-detailed-response.json',
    call: (c) => c.blockStorage.listVolumes(),
    check: (r) => expect(r[0].size).toEqual(expect.any(Number)),
  },
  {
    name: 'createVolume',
    service: 'volume',
    sample: 'volumes/volume-create-response.json',
    status: 202,
    call: (c) => c.blockStorage.createVolume({ size: 10, name: 'v', metadata: { cmp_key: 'k' } }),
    check: (r) => expect(r.id).toEqual(expect.any(String)),
  },
  {
    name: 'getVolume',
    service: 'volume',
    sample: 'volumes/volume-show-response.json',
    call: (c) => c.blockStorage.getVolume('v'),
    check: (r) => expect(r.status).toEqual(expect.any(String)),
  },
  {
    name: 'listSnapshots',
    service: 'volume',
    sample: 'snapshots/snapshots-list-detailed-response.json',
    call: (c) => c.blockStorage.listSnapshots(),
    check: (r) => expect(r[0].volume_id).toEqual(expect.any(String)),
  },
  {
    name: 'createSnapshot',
    service: 'volume',
    sample: 'snapshots/snapshot-create-response.json',
    status: 202,
    call: (c) => c.blockStorage.createSnapshot({ volume_id: '5aa119a8-d25b-45a7-8d1b-88e127885635', name: 's' }),
    check: (r) => expect(r.volume_id).toEqual(expect.any(String)),
  },
  {
    name: 'getVolumeQuotaSet',
    service: 'volume',
    sample: 'quota_sets/quotas-show-response.json',
    call: (c) => c.blockStorage.getQuotaSet('p'),
    check: (r) => expect(r.volumes).toBeDefined(),
  },
  {
    name: 'listImages',
    service: 'image',
    sample: 'images-list-response.json',
    call: (c) => c.image.listImages(),
    check: (r) => expect(r[0].visibility).toEqual(expect.any(String)),
  },
  {
    name: 'getImage',
    service: 'image',
    sample: 'image-show-response.json',
    call: (c) => c.image.getImage('i'),
    check: (r) => expect(r.status).toEqual(expect.any(String)),
  },
  {
    name: 'createImage (glance)',
    service: 'image',
    sample: 'image-create-response.json',
    status: 201,
    call: (c) => c.image.createImage({ name: 'Ubuntu', container_format: 'bare', disk_format: 'qcow2', cmp_key: 'k' }),
    check: (r) => expect(r.id).toEqual(expect.any(String)),
  },
  {
    name: 'patchImage',
    service: 'image',
    sample: 'image-update-response.json',
    call: (c) => c.image.patchImage('i', [{ op: 'replace', path: '/name', value: 'Fedora' }]),
    check: (r) => expect(r.id).toEqual(expect.any(String)),
  },
  {
    name: 'listProjects',
    service: 'identity',
    sample: 'admin/projects-list-response.json',
    call: (c) => c.identity.listProjects(),
    check: (r) => expect(r[0].domain_id).toEqual(expect.any(String)),
  },
  {
    name: 'createProject',
    service: 'identity',
    sample: 'admin/project-create-response.json',
    status: 201,
    call: (c) => c.identity.createProject({ name: 'myproject', domain_id: 'default' }),
    check: (r) => expect(r.id).toEqual(expect.any(String)),
  },
  {
    name: 'listUsers',
    service: 'identity',
    sample: 'admin/users-list-response.json',
    call: (c) => c.identity.listUsers(),
    check: (r) => expect(r[0].name).toEqual(expect.any(String)),
  },
  {
    name: 'createUser',
    service: 'identity',
    sample: 'admin/user-create-response.json',
    status: 201,
    call: (c) => c.identity.createUser({ name: 'James', domain_id: 'default', password: 'x' }),
    check: (r) => expect(r.id).toEqual(expect.any(String)),
  },
  {
    name: 'listRoleAssignments',
    service: 'identity',
    sample: 'admin/role-assignments-list-response.json',
    call: (c) => c.identity.listRoleAssignments(),
    check: (r) => expect(r[0].role.id).toEqual(expect.any(String)),
  },
];

let stub: Stub;
let current: { body: unknown; status: number } | undefined;
beforeAll(async () => {
  // Only the first page of a list answers with the sample, so next links end.
  stub = await startStubCloud((r: StubRequest) =>
    current
      ? r.query.get('marker')
        ? { body: emptyOf(current.body) }
        : { status: current.status, body: current.body }
      : undefined,
  );
});
afterAll(() => stub?.close());

function emptyOf(body: unknown): unknown {
  const key = Object.keys(body as object).find((k) => Array.isArray((body as Record<string, unknown>)[k]));
  return key ? { [key]: [] } : body;
}

describeIfShared(
  'typed client parses the official response samples',
  () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      current = { body: loadSample(c.service, c.sample), status: c.status ?? 200 };
      const client = createOpenStackClient(
        passwordCloud({ authUrl: stub.authUrl, username: 'admin', password: 'x', projectName: 'admin' }),
        { tokenCache: new TokenCache() },
      );
      stub.requests.length = 0;
      const result = await c.call(client);
      c.check(result);
      const sent = stub.requests.filter((r) => !r.path.endsWith('/auth/tokens'));
      for (const r of sent.filter((x) => x.body !== undefined)) {
        const mv = String(r.headers['openstack-api-version'] ?? '').split(' ')[1];
        const v = validateRequest(c.service, r.method, r.path, r.body, { microversion: mv });
        expect({ request: `${r.method} ${r.path}`, errors: v.errors }).toEqual({
          request: `${r.method} ${r.path}`,
          errors: '',
        });
      }
    });
  },
  { samples: true },
);
