import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  Alarm,
  AlarmRule,
  CloudResource,
  OnCallContact,
  ProcessHeartbeat,
  Product,
  RoleAssignment,
  ScalingGroup,
  Site,
  User,
} from '../../domain/entities';
import { cachedPublicImages } from '../../api/services/public-image-cache';
import { createMailer } from '../../activities/notify/mail';
import { createSmsSender } from '../../activities/notify/sms';
import {
  embeddedSmsCredentials,
  sinkNotifySettings,
  startMailSink,
  startSmsSink,
  type MailSink,
  type SmsSink,
} from '../../activities/notify/sinks';
import { startSinkViewer, type SinkViewer } from '../../scripts/lib/sink-viewer';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { startAlertmanager } from '../monitoring/stack';
import { defaultPolicyId } from '../../api/routers/firewall-policies';

/**
 * The filters and paging the portal sends: the self-service lists (sites, scaling groups, the cloud
 * resource lists, catalog products, public images; a tenant's filter never widens what he sees) and the
 * O&M lists (admins, on-call contacts, alarm rules, processes, sink messages). A bad parameter is a 422.
 */
describe('list filters and paging of the self-service and O&M lists', () => {
  let p: TestPlatform;
  let admin: string;
  let a: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  let b: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  const names = (r: { body: { items: Array<{ name: string }> } }) => r.body.items.map((x) => x.name).sort();
  const get = (path: string, token: string) => p.call('GET', `/api/v1${path}`, { token });
  const expect422 = async (path: string, token: string, bad: string[]) => {
    for (const q of bad) expect([q, (await get(`${path}?${q}`, token)).status]).toEqual([q, 422]);
  };
  const tooLong = `name=${'x'.repeat(121)}`;

  beforeAll(async () => {
    p = await startTestPlatform({ queues: [], env: { PUBLIC_IMAGES_CACHE_SECONDS: '3600' } });
    admin = await p.adminToken();
    a = await p.tenantUser('Lists Alpha');
    b = await p.tenantUser('Lists Beta');
  });
  afterAll(async () => p?.close());

  it('filters the sites by part of the name and status, within the tenant, never a removed one', async () => {
    const host = await p.call('POST', '/api/v1/site-hosts', {
      token: admin,
      body: { name: 'lists-host', address: '127.0.0.1', driver: 'local', capacitySites: 10, capacityDiskMb: 10000 },
    });
    expect(host.status).toBe(201);
    const em = p.db.orm.em.fork();
    const rows: Array<[string, string, Site['status']]> = [
      [a.tenantId, 'shop-alpha', 'live'],
      [a.tenantId, 'shop-beta', 'failed'],
      [a.tenantId, 'blog', 'ready'],
      [a.tenantId, 'old-shop', 'removed'],
      [b.tenantId, 'shop-other', 'live'],
    ];
    rows.forEach(([tenantId, name, status], slot) =>
      em.create(Site, {
        tenantId,
        name,
        hostname: `${name}.sites.test`,
        hostId: host.body.id,
        slot,
        diskMb: 100,
        phpVersion: '8.2',
        status,
        releases: [],
        createdAt: new Date(Date.now() + slot * 1000),
        updatedAt: new Date(),
      }),
    );
    await em.flush();

    const shops = await get('/sites?name=SHOP', a.token);
    expect(shops.status).toBe(200);
    expect(names(shops)).toEqual(['shop-alpha', 'shop-beta']);
    expect(shops.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(names(await get('/sites?name=shop&status=live', a.token))).toEqual(['shop-alpha']);
    expect(names(await get('/sites?status=ready', a.token))).toEqual(['blog']);
    // Newest first, one page of one.
    const second = await get('/sites?name=shop&limit=1&offset=1', a.token);
    expect(second.body).toMatchObject({ items: [{ name: 'shop-alpha' }], total: 2, limit: 1, offset: 1 });
    // Another tenant's id in the filter shows nothing of his.
    expect((await get(`/sites?tenantId=${b.tenantId}&name=shop`, a.token)).body).toMatchObject({ items: [], total: 0 });
    // Staff see every tenant's, or one tenant's.
    expect(names(await get('/sites?name=shop', admin))).toEqual(['shop-alpha', 'shop-beta', 'shop-other']);
    expect(names(await get(`/sites?name=shop&tenantId=${b.tenantId}`, admin))).toEqual(['shop-other']);
    await expect422('/sites', a.token, ['status=removed', 'status=gone', 'name=', tooLong, 'kind=site', 'limit=0']);
  });

  it('filters the scaling groups by part of the name and status, within the tenant, never a deleted one', async () => {
    const em = p.db.orm.em.fork();
    const template = { flavorId: 'f', imageId: 'i', networkId: 'n', protocolPort: 80 };
    const rows: Array<[string, string, ScalingGroup['status']]> = [
      [a.tenantId, 'web-front', 'active'],
      [a.tenantId, 'web-back', 'paused'],
      [a.tenantId, 'batch', 'active'],
      [a.tenantId, 'web-old', 'deleted'],
      [b.tenantId, 'web-theirs', 'active'],
    ];
    for (const [tenantId, name, status] of rows)
      em.persist(Object.assign(new ScalingGroup(), { tenantId, name, template, status }));
    await em.flush();

    expect(names(await get('/scaling-groups?name=Web', a.token))).toEqual(['web-back', 'web-front']);
    expect(names(await get('/scaling-groups?name=web&status=paused', a.token))).toEqual(['web-back']);
    expect((await get('/scaling-groups?status=active', a.token)).body.total).toBe(2);
    const page = await get('/scaling-groups?name=web&limit=1&offset=1', a.token);
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.body.items).toHaveLength(1);
    expect((await get(`/scaling-groups?tenantId=${b.tenantId}`, a.token)).body).toMatchObject({ total: 0 });
    expect(names(await get('/scaling-groups?name=web', admin))).toEqual(['web-back', 'web-front', 'web-theirs']);
    await expect422('/scaling-groups', a.token, ['status=deleted', 'name=', tooLong, 'owner=me']);
  });

  it('filters the cloud resource lists (networks, images) by part of the name beside their status', async () => {
    const em = p.db.orm.em.fork();
    const rows: Array<[string, CloudResource['kind'], string, CloudResource['status']]> = [
      [a.tenantId, 'network', 'net-front', 'active'],
      [a.tenantId, 'network', 'NET-back', 'error'],
      [a.tenantId, 'network', 'db', 'active'],
      [a.tenantId, 'network', 'net-gone', 'deleted'],
      [a.tenantId, 'image', 'net-image', 'active'],
      [a.tenantId, 'image', 'ubuntu-snap', 'active'],
      [b.tenantId, 'network', 'net-theirs', 'active'],
    ];
    for (const [tenantId, kind, name, status] of rows)
      em.persist(Object.assign(new CloudResource(), { tenantId, kind, name, status }));
    await em.flush();

    const nets = await get('/networks?name=net', a.token);
    expect(names(nets)).toEqual(['NET-back', 'net-front']);
    expect(nets.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(names(await get('/networks?name=NET&status=error', a.token))).toEqual(['NET-back']);
    expect(names(await get('/networks?status=active', a.token))).toEqual(['db', 'net-front']);
    expect((await get('/networks?name=net&limit=1&offset=1', a.token)).body).toMatchObject({ total: 2, offset: 1 });
    expect(names(await get('/images?name=snap', a.token))).toEqual(['ubuntu-snap']);
    expect(names(await get('/images?name=net', a.token))).toEqual(['net-image']);
    expect((await get(`/networks?tenantId=${b.tenantId}&name=net`, a.token)).body).toMatchObject({ total: 0 });
    expect(names(await get('/networks?name=net', admin))).toEqual(['NET-back', 'net-front', 'net-theirs']);
    for (const path of ['/networks', '/images', '/subnets'])
      await expect422(path, a.token, ['name=', tooLong, 'status=deleted', 'kind=network']);
  });

  it('filters the load balancers and firewall policies by part of the name beside their status', async () => {
    const em = p.db.orm.em.fork();
    const rows: Array<[string, CloudResource['kind'], string, CloudResource['status']]> = [
      [a.tenantId, 'load_balancer', 'web-lb', 'active'],
      [a.tenantId, 'load_balancer', 'WEB-lb-2', 'error'],
      [a.tenantId, 'load_balancer', 'api-lb', 'active'],
      [a.tenantId, 'load_balancer', 'web-gone', 'deleted'],
      [b.tenantId, 'load_balancer', 'web-theirs', 'active'],
      [a.tenantId, 'firewall_policy', 'web-in', 'active'],
      [a.tenantId, 'firewall_policy', 'web-old', 'error'],
    ];
    for (const [tenantId, kind, name, status] of rows)
      em.persist(Object.assign(new CloudResource(), { tenantId, kind, name, status }));
    // The tenant's default policy exists already, so listing his policies starts no workflow to make it.
    em.persist(
      Object.assign(new CloudResource(), {
        id: defaultPolicyId(a.tenantId),
        tenantId: a.tenantId,
        kind: 'firewall_policy' as const,
        name: 'default',
        status: 'active' as const,
      }),
    );
    await em.flush();

    const lbs = await get('/load-balancers?name=web', a.token);
    expect(names(lbs)).toEqual(['WEB-lb-2', 'web-lb']);
    expect(lbs.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(names(await get('/load-balancers?name=WEB&status=error', a.token))).toEqual(['WEB-lb-2']);
    expect((await get('/load-balancers?name=lb&limit=1&offset=1', a.token)).body).toMatchObject({
      total: 3,
      offset: 1,
    });
    expect((await get(`/load-balancers?tenantId=${b.tenantId}&name=web`, a.token)).body).toMatchObject({ total: 0 });
    expect(names(await get('/load-balancers?name=web', admin))).toEqual(['WEB-lb-2', 'web-lb', 'web-theirs']);
    expect(names(await get('/firewall-policies?name=web', a.token))).toEqual(['web-in', 'web-old']);
    expect(names(await get('/firewall-policies?status=active', a.token))).toEqual(['default', 'web-in']);
    for (const path of ['/load-balancers', '/firewall-policies'])
      await expect422(path, a.token, ['name=', tooLong, 'status=deleted', 'kind=network', 'name=a%00b']);
  });

  it('filters the catalog products by part of the name beside kind, a tenant never seeing retired ones', async () => {
    const em = p.db.orm.em.fork();
    const rows: Array<[Product['kind'], string, Product['status']]> = [
      ['flavor', 'lists-small', 'active'],
      ['flavor', 'lists-large', 'retired'],
      ['volume', 'lists-disk', 'active'],
    ];
    for (const [kind, name, status] of rows)
      em.persist(
        Object.assign(new Product(), {
          kind,
          name,
          status,
          hourlyPrice: 0.01,
          monthlyPrice: 5,
          vcpus: 1,
          ramMb: 512,
          diskGb: 1,
        }),
      );
    await em.flush();

    const mine = await get('/catalog/products?name=LISTS', a.token);
    expect(names(mine)).toEqual(['lists-disk', 'lists-small']);
    expect(mine.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(names(await get('/catalog/products?name=lists&kind=flavor', a.token))).toEqual(['lists-small']);
    expect(names(await get('/catalog/products?name=lists&status=all', a.token))).toEqual(['lists-disk', 'lists-small']);
    expect(names(await get('/catalog/products?name=lists&status=all', admin))).toEqual([
      'lists-disk',
      'lists-large',
      'lists-small',
    ]);
    // By kind, then name: the flavor first.
    expect((await get('/catalog/products?name=lists&limit=1&offset=1', a.token)).body).toMatchObject({
      items: [{ name: 'lists-disk' }],
      total: 2,
      limit: 1,
      offset: 1,
    });
    await expect422('/catalog/products', a.token, ['name=', tooLong, 'kind=cpu', 'q=lists']);
  });

  it('filters and pages the public images (the whole list, up to 200, when no limit is sent)', async () => {
    const image = (name: string, osStatus: string) => ({
      openstackId: randomUUID(),
      name,
      osStatus,
      attributes: { diskFormat: 'qcow2', minDiskGb: 1, sizeBytes: 1024 },
    });
    // The cached listing stands in for the cloud (this suite runs no worker).
    await cachedPublicImages(p.deps, async () => [
      image('Ubuntu 22.04', 'active'),
      image('ubuntu-24.04', 'active'),
      image('ubuntu-old', 'deactivated'),
      image('cirros', 'active'),
    ]);
    const all = await get('/public-images', a.token);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 4, limit: 200, offset: 0 });
    expect(all.body.items).toHaveLength(4);
    expect(names(await get('/public-images?name=UBUNTU', a.token))).toEqual([
      'Ubuntu 22.04',
      'ubuntu-24.04',
      'ubuntu-old',
    ]);
    expect(names(await get('/public-images?name=ubuntu&status=active', a.token))).toEqual([
      'Ubuntu 22.04',
      'ubuntu-24.04',
    ]);
    expect(names(await get('/public-images?status=deactivated', admin))).toEqual(['ubuntu-old']);
    expect((await get('/public-images?name=ubuntu&limit=2&offset=2', a.token)).body).toMatchObject({
      items: [{ name: 'ubuntu-old' }],
      total: 3,
      limit: 2,
      offset: 2,
    });
    await expect422('/public-images', a.token, ['name=', tooLong, 'status=gone', 'limit=201', 'offset=-1', 'x=1']);
  });

  it('filters the admins by part of the e-mail or name, status and role; staff only', async () => {
    const em = p.db.orm.em.fork();
    const rows: Array<[string, string, User['status'], 'operator' | 'om_admin' | 'platform_admin']> = [
      ['ops-zhang@lists.test', 'Zhang Wei', 'active', 'operator'],
      ['ops-li@lists.test', 'Li Na', 'disabled', 'operator'],
      ['noc-wang@lists.test', 'Wang Fang', 'active', 'om_admin'],
    ];
    for (const [email, displayName, status, role] of rows) {
      const user = Object.assign(new User(), { email, displayName, passwordHash: 'x', status, tenantId: null });
      em.persist(user);
      em.persist(Object.assign(new RoleAssignment(), { userId: user.id, role, tenantId: null }));
    }
    await em.flush();

    const mine = await get('/admins?q=LISTS.TEST', admin);
    expect(mine.body.items.map((u: { email: string }) => u.email)).toEqual([
      'noc-wang@lists.test',
      'ops-li@lists.test',
      'ops-zhang@lists.test',
    ]);
    expect(mine.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect((await get('/admins?q=wang', admin)).body).toMatchObject({
      total: 1,
      items: [{ displayName: 'Wang Fang' }],
    });
    expect((await get('/admins?q=lists&role=operator', admin)).body.total).toBe(2);
    expect((await get('/admins?q=lists&role=operator&status=active', admin)).body).toMatchObject({
      total: 1,
      items: [{ email: 'ops-zhang@lists.test', roles: ['operator'] }],
    });
    expect((await get('/admins?q=lists&limit=1&offset=2', admin)).body).toMatchObject({
      items: [{ email: 'ops-zhang@lists.test' }],
      total: 3,
      offset: 2,
    });
    // A tenant's user is no admin, whatever the filter.
    expect((await get(`/admins?q=${encodeURIComponent(a.email)}`, admin)).body.total).toBe(0);
    expect((await get('/admins', a.token)).status).toBe(403);
    await expect422('/admins', admin, ['q=', 'q=' + 'x'.repeat(121), 'role=tenant_admin', 'status=pending', 'name=x']);
  });

  it('filters the on-call contacts by part of the name, on duty, active and minimum severity', async () => {
    const em = p.db.orm.em.fork();
    const rows: Array<[string, boolean, boolean, OnCallContact['minSeverity']]> = [
      ['Duty Chen', true, true, 'warning'],
      ['Duty Zhao', false, true, 'critical'],
      ['Duty Sun', true, false, 'warning'],
      ['Night desk', true, true, 'info'],
    ];
    for (const [name, onDuty, active, minSeverity] of rows)
      em.persist(Object.assign(new OnCallContact(), { name, onDuty, active, minSeverity, email: 'duty@lists.test' }));
    await em.flush();

    expect(names(await get('/oncall/contacts?name=DUTY', admin))).toEqual(['Duty Chen', 'Duty Sun', 'Duty Zhao']);
    expect(names(await get('/oncall/contacts?name=duty&onDuty=true', admin))).toEqual(['Duty Chen', 'Duty Sun']);
    expect(names(await get('/oncall/contacts?name=duty&onDuty=true&active=true', admin))).toEqual(['Duty Chen']);
    expect(names(await get('/oncall/contacts?minSeverity=warning', admin))).toEqual(['Duty Chen', 'Duty Sun']);
    expect((await get('/oncall/contacts?name=duty&limit=2&offset=2', admin)).body).toMatchObject({
      items: [{ name: 'Duty Zhao' }],
      total: 3,
      limit: 2,
      offset: 2,
    });
    expect((await get('/oncall/contacts', a.token)).status).toBe(403);
    await expect422('/oncall/contacts', admin, ['name=', tooLong, 'minSeverity=major', 'onDuty=yes']);
  });

  it('filters the alarm rules by part of the name, object type, severity and enabled', async () => {
    const em = p.db.orm.em.fork();
    const rows: Array<[string, AlarmRule['objectType'], AlarmRule['severity'], boolean]> = [
      ['cpu-high', 'host', 'major', true],
      ['cpu-steal', 'server', 'warning', true],
      ['disk-full', 'storage', 'critical', false],
    ];
    // Listed oldest first: each one a second after the one before.
    rows.forEach(([name, objectType, severity, enabled], i) =>
      em.persist(
        Object.assign(new AlarmRule(), {
          name,
          objectType,
          severity,
          enabled,
          metric: 'm',
          comparison: '>',
          threshold: 1,
          createdAt: new Date(Date.now() + i * 1000),
        }),
      ),
    );
    await em.flush();

    const cpu = await get('/alarms/rules?name=CPU', admin);
    expect(names(cpu)).toEqual(['cpu-high', 'cpu-steal']);
    expect(cpu.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(names(await get('/alarms/rules?objectType=server', admin))).toEqual(['cpu-steal']);
    expect(names(await get('/alarms/rules?severity=critical', admin))).toEqual(['disk-full']);
    expect(names(await get('/alarms/rules?enabled=false', admin))).toEqual(['disk-full']);
    expect(names(await get('/alarms/rules?name=cpu&enabled=true&severity=major', admin))).toEqual(['cpu-high']);
    expect((await get('/alarms/rules?name=cpu&limit=1&offset=1', admin)).body).toMatchObject({
      items: [{ name: 'cpu-steal' }],
      total: 2,
    });
    await expect422('/alarms/rules', admin, ['name=', tooLong, 'objectType=rack', 'severity=info', 'enabled=1']);
  });
  it('filters the alarms by severity, object type and part of the rule name or object id beside status', async () => {
    const em = p.db.orm.em.fork();
    const now = Date.now();
    const rows: Array<[string, string, string, string, Alarm['status']]> = [
      ['lists cpu high', 'major', 'host', 'lists-compute-01', 'firing'],
      ['lists cpu high', 'major', 'host', 'lists-compute-02', 'resolved'],
      ['lists disk full', 'critical', 'storage', 'lists-pool-a', 'firing'],
      ['lists steal', 'warning', 'server', 'lists-vm-9', 'acknowledged'],
    ];
    rows.forEach(([ruleName, severity, objectType, objectId, status], i) =>
      em.persist(
        Object.assign(new Alarm(), {
          fingerprint: `lists-${i}`,
          startsAt: new Date(now - 60_000),
          ruleName,
          severity,
          objectType,
          objectId,
          summary: `${ruleName} on ${objectId}`,
          status,
          workflowId: `alarm-lists-${i}`,
          createdAt: new Date(now + i * 1000),
        }),
      ),
    );
    await em.flush();
    const objects = (r: { body: { items: Array<{ objectId: string | null }> } }) =>
      r.body.items.map((x) => x.objectId).sort();

    const mine = await get('/alarms?q=LISTS', admin);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
    expect(objects(await get('/alarms?q=cpu high', admin))).toEqual(['lists-compute-01', 'lists-compute-02']);
    expect(objects(await get('/alarms?q=compute-02', admin))).toEqual(['lists-compute-02']);
    expect(objects(await get('/alarms?q=lists&severity=critical', admin))).toEqual(['lists-pool-a']);
    expect(objects(await get('/alarms?q=lists&objectType=host&status=firing', admin))).toEqual(['lists-compute-01']);
    // Newest first.
    expect((await get('/alarms?q=lists&limit=1&offset=1', admin)).body).toMatchObject({
      items: [{ objectId: 'lists-pool-a' }],
      total: 4,
    });
    expect((await get('/alarms', a.token)).status).toBe(403);
    await expect422('/alarms', admin, ['q=', tooLong, 'severity=info', 'objectType=rack', 'host=x']);
  });

  it('filters the platform processes by kind, state, identity or host, and queue', async () => {
    const em = p.db.orm.em.fork();
    const now = Date.now();
    const rows: Array<[ProcessHeartbeat['kind'], string, string, string[], boolean]> = [
      ['api', 'lists-api-1', 'node-a', [], true],
      ['worker', 'lists-worker-1', 'node-a', ['lists-orchestration'], true],
      ['worker', 'lists-worker-2', 'node-b', ['lists-openstack', 'lists-notify'], true],
      ['worker', 'lists-worker-3', 'node-b', ['lists-notify'], false],
    ];
    rows.forEach(([kind, identity, host, queues, alive], i) =>
      em.persist(
        Object.assign(new ProcessHeartbeat(), {
          kind,
          identity,
          host: `lists-${host}`,
          queues,
          pid: 1000 + i,
          version: 'test',
          startedAt: new Date(now - (10 - i) * 60_000),
          lastSeenAt: new Date(alive ? now : now - 5 * 60_000),
          stoppedAt: alive ? null : new Date(now - 5 * 60_000),
        }),
      ),
    );
    await em.flush();
    const ids = (r: { body: { items: Array<{ identity: string }> } }) => r.body.items.map((x) => x.identity).sort();

    const mine = await get('/processes/list?q=LISTS-', admin);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
    expect(ids(await get('/processes/list?q=lists-&kind=worker', admin))).toEqual([
      'lists-worker-1',
      'lists-worker-2',
      'lists-worker-3',
    ]);
    expect(ids(await get('/processes/list?q=lists-&state=gone', admin))).toEqual(['lists-worker-3']);
    expect(ids(await get('/processes/list?q=lists-node-b&state=up', admin))).toEqual(['lists-worker-2']);
    expect(ids(await get('/processes/list?queue=lists-notify', admin))).toEqual(['lists-worker-2', 'lists-worker-3']);
    // Newest first: the third page of one is the second process started.
    expect((await get('/processes/list?q=lists-&limit=1&offset=2', admin)).body).toMatchObject({
      items: [{ identity: 'lists-worker-1' }],
      total: 4,
    });
    expect((await get('/processes/list', a.token)).status).toBe(403);
    await expect422('/processes/list', admin, ['kind=db', 'state=down', 'q=', 'queue=', 'host=x']);
  });
});

describe('list filters and paging of the mail and SMS sinks', () => {
  let mail: MailSink;
  let sms: SmsSink;
  let viewer: SinkViewer;
  let p: TestPlatform;
  let om: string;
  beforeAll(async () => {
    mail = await startMailSink();
    sms = await startSmsSink({ credentials: embeddedSmsCredentials });
    viewer = await startSinkViewer({ mail, sms });
    p = await startTestPlatform({ queues: [], env: { SMTP_URL: mail.url, SINKS_VIEWER_URL: viewer.url } });
    om = (await p.staff(['om_admin'])).token;
  });
  afterAll(async () => {
    await p?.close();
    await viewer?.close();
    await sms?.close();
    await mail?.close();
  });

  it('pages the mails and SMS apart, filtered by recipient and text, the old whole answer unchanged', async () => {
    const settings = sinkNotifySettings(mail, sms);
    const mailer = createMailer(settings.smtpUrl, settings.mailFrom);
    for (const [to, subject] of [
      ['oncall@lists.test', '[CRITICAL] host compute-01 down'],
      ['oncall@lists.test', '[WARNING] disk almost full'],
      ['boss@lists.test', '[CRITICAL] host compute-02 down'],
    ])
      await mailer.send({ to, subject, text: `about ${subject}` });
    mailer.close();
    const sender = createSmsSender(settings.twilio);
    await sender.send('+8613800000001', 'CRITICAL compute-01 down');
    await sender.send('+8613800000002', 'WARNING disk almost full');

    const subjects = (r: { body: { items: Array<{ subject: string }> } }) => r.body.items.map((m) => m.subject).sort();
    const all = await p.call('GET', '/api/v1/sinks/mail', { token: om });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(subjects(await p.call('GET', '/api/v1/sinks/mail?to=ONCALL', { token: om }))).toEqual([
      '[CRITICAL] host compute-01 down',
      '[WARNING] disk almost full',
    ]);
    expect(subjects(await p.call('GET', '/api/v1/sinks/mail?q=critical', { token: om }))).toEqual([
      '[CRITICAL] host compute-01 down',
      '[CRITICAL] host compute-02 down',
    ]);
    expect(subjects(await p.call('GET', '/api/v1/sinks/mail?to=oncall&q=critical', { token: om }))).toEqual([
      '[CRITICAL] host compute-01 down',
    ]);
    const second = await p.call('GET', '/api/v1/sinks/mail?limit=2&offset=2', { token: om });
    expect(second.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(second.body.items).toHaveLength(1);

    const texts = await p.call('GET', '/api/v1/sinks/sms?q=disk', { token: om });
    expect(texts.body).toMatchObject({ total: 1, items: [{ to: '+8613800000002', body: 'WARNING disk almost full' }] });
    expect((await p.call('GET', '/api/v1/sinks/sms?to=0001', { token: om })).body).toMatchObject({
      total: 1,
      items: [{ body: 'CRITICAL compute-01 down' }],
    });
    expect((await p.call('GET', '/api/v1/sinks/sms', { token: om })).body.total).toBe(2);

    // The whole answer the other callers read keeps its shape.
    const whole = await p.call('GET', '/api/v1/sinks/messages', { token: om });
    expect(whole.body.mail).toHaveLength(3);
    expect(whole.body.sms).toHaveLength(2);
    const tenant = await p.tenantUser();
    expect((await p.call('GET', '/api/v1/sinks/mail', { token: tenant.token })).status).toBe(403);
    for (const path of ['/api/v1/sinks/mail', '/api/v1/sinks/sms'])
      for (const bad of ['to=', 'q=', `q=${'x'.repeat(201)}`, 'limit=0', 'channel=mail'])
        expect([path, bad, (await p.call('GET', `${path}?${bad}`, { token: om })).status]).toEqual([path, bad, 422]);
  });
});

describe('list filters and paging of the maintenance windows (Alertmanager silences)', () => {
  let dir: string;
  let am: Awaited<ReturnType<typeof startAlertmanager>>;
  let p: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cmp-list-silences-'));
    am = await startAlertmanager(dir, {
      port: await freePort(),
      webhookUrl: 'http://127.0.0.1:9/hooks/alertmanager',
      secret: 'list-filters-secret',
    });
    p = await startTestPlatform({ queues: [], env: { ALERTMANAGER_URL: am.url } });
    admin = await p.adminToken();
  });
  afterAll(async () => {
    await p?.close();
    await am?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages the silences filtered by state and by part of the comment or a matcher, up to 200 unasked', async () => {
    const soon = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    const rule = randomUUID();
    for (const [comment, startsAt] of [
      ['lists: rack 1 maintenance', undefined],
      ['lists: rack 2 maintenance', undefined],
      ['lists: kernel upgrade', soon(1)],
    ] as const) {
      const r = await p.call('POST', '/api/v1/alarms/silences', {
        token: admin,
        body: { ruleId: rule, comment, endsAt: soon(2), ...(startsAt ? { startsAt } : {}) },
      });
      expect(r.status).toBe(201);
    }
    const comments = (r: { body: { items: Array<{ comment: string }> } }) => r.body.items.map((s) => s.comment).sort();
    const all = await p.call('GET', '/api/v1/alarms/silences', { token: admin });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, limit: 200, offset: 0 });
    expect(comments(await p.call('GET', '/api/v1/alarms/silences?q=RACK', { token: admin }))).toEqual([
      'lists: rack 1 maintenance',
      'lists: rack 2 maintenance',
    ]);
    expect(comments(await p.call('GET', '/api/v1/alarms/silences?state=pending', { token: admin }))).toEqual([
      'lists: kernel upgrade',
    ]);
    expect((await p.call('GET', `/api/v1/alarms/silences?q=${rule}&state=active`, { token: admin })).body.total).toBe(
      2,
    );
    const second = await p.call('GET', '/api/v1/alarms/silences?limit=2&offset=2', { token: admin });
    expect(second.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(second.body.items).toHaveLength(1);
    const tenant = await p.tenantUser();
    expect((await p.call('GET', '/api/v1/alarms/silences', { token: tenant.token })).status).toBe(403);
    for (const bad of ['state=expired', 'q=', 'limit=201', 'ruleId=x'])
      expect([bad, (await p.call('GET', `/api/v1/alarms/silences?${bad}`, { token: admin })).status]).toEqual([
        bad,
        422,
      ]);
  });
});
