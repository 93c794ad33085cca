import { startOrderRig, type OrderRig } from './support';

/**
 * A product change (`product-<id>`) refused by the cloud past every retry leaves its cause on the record the API
 * shows (whatever the request's answer window), the record usable again; a later success clears the cause.
 */
describe('product change failure envelope (real Temporal, SQLite, simulator)', () => {
  let rig: OrderRig;
  let token: string;
  beforeAll(async () => {
    rig = await startOrderRig();
    token = (await rig.p.tenantUser()).token;
  });
  afterEach(() => rig?.sim.cloud.faults.clear());
  afterAll(async () => rig?.close());

  const call = (method: string, path: string, body?: unknown) => rig.p.call(method, `/api/v1${path}`, { token, body });
  const web = [{ direction: 'ingress', protocol: 'tcp', portMin: 80, portMax: 80 }];

  it('a firewall policy whose creation or rule change the cloud refuses past every retry shows the cause on its record', async () => {
    // The tenant's default policy is made first, while the cloud answers.
    expect((await call('GET', '/firewall-policies')).status).toBe(200);
    const groups = rig.sim.cloud.faults.add({ method: 'POST', path: '/security-groups$', status: 500 });
    const refused = await call('POST', '/firewall-policies', { name: 'refused', rules: web });
    expect(refused.status).toBe(502);
    rig.sim.cloud.faults.remove(groups.id);
    const failed = (await call('GET', '/firewall-policies')).body.items.find(
      (p: { name: string }) => p.name === 'refused',
    );
    expect(failed).toMatchObject({ status: 'error', error: { type: 'OpenStackServerError', op: 'fw_create' } });
    expect(failed.error.message).toMatch(/500/);

    const made = await call('POST', '/firewall-policies', { name: 'web', rules: web });
    expect(made.status).toBe(201);
    rig.sim.cloud.faults.add({ method: 'POST', path: '/security-group-rules$', status: 500 });
    const https = [...web, { direction: 'ingress', protocol: 'tcp', portMin: 443, portMax: 443 }];
    expect((await call('PUT', `/firewall-policies/${made.body.id}/rules`, { rules: https })).status).toBe(502);
    const shown = await call('GET', `/firewall-policies/${made.body.id}`);
    expect(shown.body).toMatchObject({ status: 'active', error: { type: 'OpenStackServerError', op: 'fw_rules' } });
    // Still usable: the same change once the cloud answers succeeds and clears the cause.
    rig.sim.cloud.faults.clear();
    const again = await call('PUT', `/firewall-policies/${made.body.id}/rules`, { rules: https });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'active', error: null });
  });
});
