import { eventually, startOperateRig, type OperateRig } from '../operate/support';

describe('images: web-download limited to allowed hosts, public image list cached (simulator + real Temporal)', () => {
  let rig: OperateRig;
  let owner: Awaited<ReturnType<OperateRig['tenant']>>;
  let operator: string;
  beforeAll(async () => {
    rig = await startOperateRig();
    owner = await rig.tenant();
    operator = (await rig.p.staff(['operator'])).token;
  });
  afterAll(async () => rig?.close());
  afterEach(() => {
    rig.p.deps.config.WEB_DOWNLOAD_ALLOWED_HOSTS = '';
  });

  const register = (url: string, token = owner.token) =>
    rig.p.call('POST', '/api/v1/images', {
      token,
      body: { name: `img-${Date.now()}`, source: { type: 'register', url, diskFormat: 'raw' } },
    });

  it.each([
    ['http://127.0.0.1/disk.raw', 'host 127.0.0.1 is a loopback address'],
    ['http://10.20.30.40/disk.raw', 'host 10.20.30.40 is a private address'],
    ['http://169.254.169.254/latest/meta-data', 'host 169.254.169.254 is a link-local address'],
    ['http://[::1]/disk.raw', 'host ::1 is a loopback address'],
    ['http://[fd00::10]/disk.raw', 'host fd00::10 is a unique-local address'],
    ['http://[::ffff:10.0.0.1]/disk.raw', 'is a private address'],
    ['http://localhost/disk.raw', 'host localhost resolves to'],
    ['ftp://images.example.org/disk.raw', 'scheme ftp is not allowed (http or https only)'],
    ['file:///etc/passwd', 'scheme file is not allowed'],
    ['http://images.example.org:25/disk.raw', 'port 25 is not allowed'],
  ])('refuses %s with a 422 naming why', async (url, reason) => {
    const r = await register(url);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'url_not_allowed', details: [{ path: 'source.url' }] });
    expect(r.body.details[0].message).toContain(reason);
    if (url.includes('localhost')) expect(r.body.details[0].message).toMatch(/loopback address/);
  });

  it('refuses an operator’s public image from a link-local host too', async () => {
    const r = await rig.p.call('POST', '/api/v1/public-images', {
      token: operator,
      body: { name: 'metadata', url: 'http://169.254.169.254/' },
    });
    expect(r.status).toBe(422);
    expect(r.body.details[0]).toMatchObject({ path: 'url', message: expect.stringContaining('link-local') });
  });

  it('imports from a host the operators allowed, although it is on loopback', async () => {
    rig.p.deps.config.WEB_DOWNLOAD_ALLOWED_HOSTS = '127.0.0.1';
    const url = `${rig.sim.url}/images/disk.raw`;
    const r = await register(url);
    expect([201, 202]).toContain(r.status);
    const image = await owner.cloud.image.getImage(r.body.openstackId);
    expect((image as unknown as Record<string, unknown>).os_glance_import_source).toBe(url);
  });

  it('lists public images once for many callers: the second call starts no workflow; a registration drops the cache', async () => {
    const temporal = rig.p.temporal.client;
    const queue = rig.p.deps.queues.orchestration;
    const started = async () => {
      const ids: string[] = [];
      for await (const w of temporal.workflow.list({
        query: `TaskQueue = '${queue}' AND WorkflowType = 'publicImageWorkflow'`,
      }))
        ids.push(w.workflowId);
      return ids;
    };
    const lists = (ids: string[]) => ids.filter((id) => id.startsWith('public-image-list-')).length;
    const before = lists(await started());
    const first = await rig.p.call('GET', '/api/v1/public-images', { token: owner.token });
    const second = await rig.p.call('GET', '/api/v1/public-images', { token: owner.token });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    const created = await rig.p.call('POST', '/api/v1/public-images', {
      token: operator,
      body: { name: `cached-${Date.now()}`, diskFormat: 'raw' },
    });
    expect(created.status).toBe(201);
    // Once Temporal shows the registration (started after both lists), it shows every list started before it.
    const seen = await eventually(started, (ids) => ids.some((id) => !id.startsWith('public-image-list-')));
    expect(lists(seen)).toBe(before + 1);
    const third = await rig.p.call('GET', '/api/v1/public-images', { token: owner.token });
    expect(third.body.items.map((i: { id: string }) => i.id)).toContain(created.body.id);
    expect(lists(await eventually(started, (ids) => lists(ids) === before + 2))).toBe(before + 2);
  });
});
