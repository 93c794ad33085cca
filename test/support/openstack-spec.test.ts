import {
  describeIfShared,
  expectValid,
  expectValidRequest,
  findOperation,
  loadSample,
  validateRequest,
  validateResponse,
  type OpenStackService,
} from './openstack-spec';

type Row = [
  service: OpenStackService,
  method: string,
  path: string,
  status: number,
  sample: string,
  microversion?: string,
  action?: string,
];

const P = '6f70656e737461636b20342065766572';
const ID = '0e44cc9c-e052-415d-afbf-469b0d384170';

/** Official response samples of the operations the platform uses, with the path that answers them. */
const responses: Row[] = [
  ['compute', 'GET', `/compute/v2.1/servers/${ID}`, 200, 'servers/server-get-resp.json'],
  ['compute', 'GET', `/v2.1/servers/${ID}`, 200, 'servers/v2.96/server-get-resp.json', '2.96'],
  ['compute', 'GET', '/v2.1/servers/detail', 200, 'servers/servers-details-resp.json'],
  ['compute', 'GET', '/v2.1/servers', 200, 'servers/servers-list-resp.json'],
  ['compute', 'POST', '/v2.1/servers', 202, 'servers/server-create-resp.json'],
  ['compute', 'PUT', `/v2.1/servers/${ID}`, 200, 'servers/server-update-resp.json'],
  ['compute', 'GET', '/v2.1/flavors/detail', 200, 'flavors/flavors-detail-resp.json'],
  ['compute', 'GET', '/v2.1/flavors/1', 200, 'flavors/v2.75/flavor-get-resp.json', '2.75'],
  ['compute', 'GET', '/v2.1/os-hypervisors/detail', 200, 'os-hypervisors/v2.88/hypervisors-detail-resp.json', '2.88'],
  ['compute', 'GET', `/v2.1/os-hypervisors/${ID}`, 200, 'os-hypervisors/v2.88/hypervisors-show-resp.json', '2.88'],
  ['compute', 'GET', '/v2.1/os-services', 200, 'os-services/v2.53/services-list-get-resp.json', '2.53'],
  ['compute', 'PUT', `/v2.1/os-services/${ID}`, 200, 'os-services/v2.53/service-force-down-put-resp.json', '2.53'],
  ['compute', 'GET', '/v2.1/os-migrations', 200, 'os-migrations/v2.80/migrations-get.json', '2.80'],
  ['compute', 'GET', `/v2.1/servers/${ID}/migrations`, 200, 'server-migrations/v2.80/migrations-index.json', '2.80'],
  [
    'compute',
    'GET',
    `/v2.1/servers/${ID}/os-instance-actions`,
    200,
    'os-instance-actions/v2.84/instance-actions-list-resp.json',
    '2.84',
  ],
  [
    'compute',
    'GET',
    `/v2.1/servers/${ID}/os-instance-actions/req-1`,
    200,
    'os-instance-actions/v2.84/instance-action-get-resp.json',
    '2.84',
  ],
  ['compute', 'GET', '/v2.1/limits', 200, 'limits/limit-get-resp.json'],
  ['compute', 'GET', `/v2.1/os-quota-sets/${P}`, 200, 'os-quota-sets/quotas-show-get-resp.json'],
  ['compute', 'PUT', `/v2.1/os-quota-sets/${P}`, 200, 'os-quota-sets/quotas-update-post-resp.json'],
  [
    'compute',
    'GET',
    `/v2.1/servers/${ID}/os-volume_attachments`,
    200,
    'os-volume_attachments/v2.89/list-volume-attachments-resp.json',
    '2.89',
  ],
  [
    'compute',
    'POST',
    `/v2.1/servers/${ID}/os-volume_attachments`,
    200,
    'os-volume_attachments/v2.89/attach-volume-to-server-resp.json',
    '2.89',
  ],
  ['compute', 'GET', `/v2.1/servers/${ID}/metadata`, 200, 'server-metadata/server-metadata-all-resp.json'],
  ['compute', 'POST', `/v2.1/servers/${ID}/metadata`, 200, 'server-metadata/server-metadata-all-resp.json'],
  [
    'compute',
    'POST',
    `/v2.1/servers/${ID}/remote-consoles`,
    200,
    'os-remote-consoles/v2.8/create-mks-console-resp.json',
    '2.8',
  ],
  [
    'compute',
    'POST',
    `/v2.1/servers/${ID}/action`,
    200,
    'os-remote-consoles/get-vnc-console-post-resp.json',
    undefined,
    'os-getVNCConsole',
  ],
  ['network', 'GET', '/network/v2.0/networks', 200, 'networks/networks-list-response.json'],
  ['network', 'POST', '/v2.0/networks', 201, 'networks/network-create-response.json'],
  ['network', 'GET', `/v2.0/networks/${ID}`, 200, 'networks/network-show-response.json'],
  ['network', 'GET', '/v2.0/subnets', 200, 'subnets/subnets-list-response.json'],
  ['network', 'POST', '/v2.0/subnets', 201, 'subnets/subnet-create-response.json'],
  ['network', 'GET', '/v2.0/ports', 200, 'ports/ports-list-response.json'],
  ['network', 'POST', '/v2.0/ports', 201, 'ports/port-create-response.json'],
  ['network', 'GET', '/v2.0/routers', 200, 'routers/routers-list-response.json'],
  ['network', 'POST', '/v2.0/routers', 201, 'routers/router-create-response.json'],
  ['network', 'PUT', `/v2.0/routers/${ID}/add_router_interface`, 200, 'routers/router-add-interface-response.json'],
  ['network', 'GET', '/v2.0/floatingips', 200, 'floatingips/floating-ips-list-response.json'],
  ['network', 'POST', '/v2.0/floatingips', 201, 'floatingips/floatingip-create-response.json'],
  ['network', 'GET', '/v2.0/security-groups', 200, 'security-groups/security-groups-list-response.json'],
  ['network', 'POST', '/v2.0/security-group-rules', 201, 'security-groups/security-group-rule-create-response.json'],
  ['network', 'GET', '/v2.0/qos/policies', 200, 'qos/policies-list-response.json'],
  [
    'network',
    'POST',
    `/v2.0/qos/policies/${ID}/bandwidth_limit_rules`,
    201,
    'qos/bandwidth_limit_rule-create-response.json',
  ],
  ['volume', 'GET', `/volume/v3/${P}/volumes/detail`, 200, 'volumes/volumes-list-detailed-response.json'],
  ['volume', 'POST', `/v3/${P}/volumes`, 202, 'volumes/volume-create-response.json'],
  ['volume', 'GET', `/v3/${P}/volumes/${ID}`, 200, 'volumes/volume-show-response.json'],
  ['volume', 'GET', `/v3/${P}/snapshots/detail`, 200, 'snapshots/snapshots-list-detailed-response.json'],
  ['volume', 'POST', `/v3/${P}/snapshots`, 202, 'snapshots/snapshot-create-response.json'],
  ['volume', 'GET', `/v3/${P}/os-quota-sets/${P}`, 200, 'quota_sets/quotas-show-response.json'],
  ['volume', 'POST', `/v3/${P}/attachments`, 200, 'attachment-create-response.json', '3.54'],
  ['image', 'GET', '/image/v2/images', 200, 'images-list-response.json'],
  ['image', 'GET', `/v2/images/${ID}`, 200, 'image-show-response.json'],
  ['image', 'POST', '/v2/images', 201, 'image-create-response.json'],
  ['image', 'PATCH', `/v2/images/${ID}`, 200, 'image-update-response.json'],
  ['identity', 'POST', '/identity/v3/auth/tokens', 201, 'auth/responses/project-scoped-password.json'],
  ['identity', 'GET', '/v3/projects', 200, 'admin/projects-list-response.json'],
  ['identity', 'POST', '/v3/projects', 201, 'admin/project-create-response.json'],
  ['identity', 'GET', '/v3/users', 200, 'admin/users-list-response.json'],
  ['identity', 'GET', '/v3/role_assignments', 200, 'admin/role-assignments-list-response.json'],
  ['identity', 'GET', '/v3/roles', 200, 'admin/roles-list-response.json'],
];

type RequestRow = [service: OpenStackService, method: string, path: string, sample: string, microversion?: string];

const requests: RequestRow[] = [
  ['compute', 'POST', `/v2.1/servers/${ID}/action`, 'servers/server-action-reboot.json'],
  ['compute', 'POST', `/v2.1/servers/${ID}/action`, 'servers/server-action-start.json'],
  ['compute', 'POST', `/v2.1/servers/${ID}/action`, 'servers/server-action-create-image.json'],
  ['compute', 'POST', `/v2.1/servers/${ID}/action`, 'os-migrate-server/v2.68/live-migrate-server.json', '2.68'],
  ['compute', 'POST', `/v2.1/servers/${ID}/action`, 'os-evacuate/v2.95/server-evacuate-req.json', '2.95'],
  ['compute', 'POST', `/v2.1/servers/${ID}/action`, 'os-admin-password/admin-password-change-password.json'],
  ['compute', 'POST', '/v2.1/servers', 'servers/server-create-req.json'],
  ['compute', 'POST', '/v2.1/servers', 'servers/server-create-req-v257.json', '2.57'],
  ['network', 'POST', '/v2.0/networks', 'networks/network-create-request.json'],
  ['network', 'POST', '/v2.0/ports', 'ports/port-create-request.json'],
  ['volume', 'POST', `/v3/${P}/volumes`, 'volumes/volume-create-request.json', '3.53'],
  ['identity', 'POST', '/v3/auth/tokens', 'auth/requests/project-name-password.json'],
];

describeIfShared(
  'openstack-spec',
  () => {
    it('matches concrete paths to templates, the most literal first, with or without the mount prefix', () => {
      expect(findOperation('compute', 'GET', '/compute/v2.1/servers/detail')?.template).toBe('/v2.1/servers/detail');
      expect(findOperation('compute', 'GET', `http://127.0.0.1:9/compute/v2.1/servers/${ID}?x=1`)?.template).toBe(
        '/v2.1/servers/{id}',
      );
      expect(findOperation('volume', 'GET', `/volume/v3/${P}/volumes/detail`)?.template).toBe(
        '/v3/{project_id}/volumes/detail',
      );
      expect(findOperation('network', 'GET', '/network/v2.0/nothing-here')).toBeUndefined();
    });

    // Rest parameters: jest would take a 7th declared parameter for `done` on shorter rows.
    it.each(responses)('%s %s %s %i accepts sample %s', (...row: Row) => {
      const [service, method, path, status, sample, microversion, action] = row;
      expectValid(service, method, path, status, loadSample(service, sample), { microversion, action });
    });

    it.each(requests)('%s request %s %s accepts sample %s', (...row: RequestRow) => {
      const [service, method, path, sample, microversion] = row;
      expectValidRequest(service, method, path, loadSample(service, sample), { microversion });
    });

    it('rejects a broken copy of server-get-resp.json with a readable message', () => {
      const broken = loadSample('compute', 'servers/server-get-resp.json');
      broken.server.status = 42;
      broken.server.addresses.private[0].version = 5;
      const r = validateResponse('compute', 'GET', `/compute/v2.1/servers/${ID}`, 200, broken);
      expect(r.ok).toBe(false);
      expect(r.operation).toBe('GET /v2.1/servers/{id}');
      expect(r.errors).toContain('/server/status');
      expect(r.errors).toContain('/server/addresses/private/0/version');
      expect(() => expectValid('compute', 'GET', `/v2.1/servers/${ID}`, 200, broken)).toThrow(
        /does not match the spec[\s\S]*\/server\/status/,
      );
    });

    it('keeps id non-null while admitting null for unset fields', () => {
      const s = loadSample('compute', 'servers/server-get-resp.json');
      expect(
        validateResponse('compute', 'GET', `/v2.1/servers/${ID}`, 200, { server: { ...s.server, key_name: null } }).ok,
      ).toBe(true);
      expect(
        validateResponse('compute', 'GET', `/v2.1/servers/${ID}`, 200, { server: { ...s.server, id: null } }).ok,
      ).toBe(false);
    });

    it('selects the action variant of an action request and checks it', () => {
      expect(
        validateRequest('compute', 'POST', `/v2.1/servers/${ID}/action`, { reboot: { type: 'WARM' } }).errors,
      ).toMatch(/reboot\/type/);
      expect(validateRequest('compute', 'POST', `/v2.1/servers/${ID}/action`, { 'no-such-action': {} }).errors).toMatch(
        /not one the spec knows/,
      );
    });

    it('selects the microversion variant by x-openstack min/max', () => {
      const live = { 'os-migrateLive': { host: null, block_migration: 'auto', force: true } };
      expect(validateRequest('compute', 'POST', `/v2.1/servers/${ID}/action`, live, { microversion: '2.30' }).ok).toBe(
        true,
      );
      const at268 = validateRequest('compute', 'POST', `/v2.1/servers/${ID}/action`, live, { microversion: '2.68' });
      expect(at268.ok).toBe(false);
      expect(at268.errors).toMatch(/Migrate_Live_268[\s\S]*force/);
    });

    it('accepts an empty body for an action that answers 202 with nothing', () => {
      expect(validateResponse('compute', 'POST', `/v2.1/servers/${ID}/action`, 202, '', { action: 'reboot' }).ok).toBe(
        true,
      );
      expect(validateResponse('compute', 'DELETE', `/v2.1/servers/${ID}`, 204, undefined).ok).toBe(true);
    });

    it('checks error bodies against the service fault shape', () => {
      expect(
        validateResponse('compute', 'GET', `/v2.1/servers/${ID}`, 404, { itemNotFound: { code: 404, message: 'gone' } })
          .ok,
      ).toBe(true);
      expect(
        validateResponse('network', 'GET', `/v2.0/networks/${ID}`, 404, {
          NeutronError: { type: 'NetworkNotFound', message: 'gone', detail: '' },
        }).ok,
      ).toBe(true);
      expect(
        validateResponse('network', 'GET', `/v2.0/networks/${ID}`, 404, {
          itemNotFound: { code: 404, message: 'gone' },
        }).ok,
      ).toBe(false);
      expect(
        validateResponse('identity', 'GET', '/v3/projects/x', 404, {
          error: { code: 404, title: 'Not Found', message: 'gone' },
        }).ok,
      ).toBe(true);
    });

    it('reports an unknown path or an undocumented status with strictStatus', () => {
      expect(validateResponse('compute', 'GET', '/v2.1/nope/x/y/z', 200, {}).errors).toMatch(/no GET operation/);
      expect(
        validateResponse('compute', 'DELETE', `/v2.1/servers/${ID}`, 200, undefined, { strictStatus: true }).errors,
      ).toMatch(/status 200 is not documented/);
    });
  },
  { samples: true },
);
