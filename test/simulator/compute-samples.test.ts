import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeIfShared, samplesDir, loadSample } from '../support/openstack-spec';
import { startFixture, eventually, type SimClient, type SimFixture } from './sim-client';
import { activeServer, seeded, waitStatus } from './compute-helpers';

/**
 * Feeds the official Nova request samples (../shared/openstack-api-samples/compute) for the
 * operations the simulator serves to its routes, at the sample's microversion, after replacing
 * the samples' made-up ids (image, network, host, volume...) with ones that exist here.
 */

type Obj = Record<string, any>;
interface Case {
  file: string;
  mv: string;
  kind: string;
}

const SERVED_DIRS = [
  'servers',
  'os-migrate-server',
  'os-evacuate',
  'os-lock-server',
  'os-pause-server',
  'os-suspend-server',
  'os-admin-actions',
  'os-admin-password',
  'os-console-output',
  'os-remote-consoles',
  'os-volume_attachments',
  'server-metadata',
  'os-server-tags',
  'os-services',
  'os-keypairs',
  'os-server-groups',
  'os-attach-interfaces',
  'os-quota-sets',
  'os-aggregates',
  'flavor-manage',
  'flavor-extra-specs',
  'os-security-groups',
];
/** Samples of operations the simulator does not serve (nova-network proxies, shelve, rescue...). */
const NOT_SERVED =
  /addfloatingip|removefloatingip|trigger-crash-dump|inject-network-info|reset-network|update-volume|aggregate-images|security-group-post|security-group-rules|with-changes-before|get-rdp-console|get-serial-console|get-spice-console|create-rdp-console|create-mks-console|spice-direct/;

/**
 * Samples that real Nova rejects at their own microversion, so the simulator must too:
 * the 2.90/2.94 create samples carry `personality` (removed in 2.57) and no `networks`
 * (required since 2.37); the 2.92 key pair sample has no `public_key` (required since 2.92,
 * and there is no matching response sample).
 */
const INVALID_AT_THEIR_VERSION = new Set([
  'servers/v2.90/server-create-req.json',
  'servers/v2.94/server-create-req.json',
  'os-keypairs/v2.92/keypairs-post-req.json',
]);

function kindOf(file: string): string | undefined {
  const b = path.basename(file);
  if (/-resp\.json$/.test(b) || NOT_SERVED.test(b)) return undefined;
  if (/^server-create-req/.test(b)) return 'create';
  if (/^server-(update|put)-req/.test(b)) return 'update';
  if (/^server-metadata-all-req/.test(b)) return 'metadata-all';
  if (/^server-metadata-req/.test(b)) return 'metadata-item';
  if (/^server-tags-put-all-req/.test(b)) return 'tags';
  if (/^attach-volume-to-server-req/.test(b)) return 'attach';
  if (/^create-vnc-console-req/.test(b)) return 'remote-console';
  if (/^service-.*-put-req/.test(b)) return 'service';
  if (/^server-groups-post-req/.test(b)) return 'server-group';
  if (/^attach-interfaces-create/.test(b)) return 'interface';
  if (/^keypairs-.*post-req/.test(b)) return 'keypair';
  if (/^(user-)?quotas-update/.test(b)) return 'quota';
  if (/^aggregate-post-req/.test(b)) return 'aggregate-create';
  if (/^aggregate-update-post-req/.test(b)) return 'aggregate-update';
  if (/^aggregate-.*-post-req/.test(b)) return 'aggregate-action';
  if (/^flavor-create-post-req/.test(b)) return 'flavor-create';
  if (/^flavor-update-req/.test(b)) return 'flavor-update';
  if (/^flavor-extra-specs-create-req/.test(b)) return 'extra-specs-create';
  if (/^flavor-extra-specs-update-req/.test(b)) return 'extra-specs-update';
  if (
    /^(server-action-|lock-server|unlock-server|pause-server|unpause-server|server-suspend|server-resume|migrate-server|live-migrate-server|server-evacuate|admin-actions-reset-server-state|admin-password-change|console-output-post-req|get-vnc-console-post-req|security-group-(add|remove)-post-req)/.test(
      b,
    )
  )
    return 'action';
  return undefined;
}

function collectCases(): Case[] {
  const root = path.join(samplesDir(), 'compute');
  const out: Case[] = [];
  for (const dir of SERVED_DIRS) {
    const base = path.join(root, dir);
    let entries: string[];
    try {
      entries = readdirSync(base);
    } catch {
      continue;
    }
    for (const e of entries) {
      const full = path.join(base, e);
      if (statSync(full).isDirectory()) {
        const m = /^v2\.(\d+)$/.exec(e);
        if (!m || Number(m[1]) > 96) continue;
        for (const f of readdirSync(full)) {
          const kind = kindOf(f);
          if (kind && f.endsWith('.json')) out.push({ file: `${dir}/${e}/${f}`, mv: `2.${m[1]}`, kind });
        }
      } else {
        const kind = kindOf(e);
        // `server-create-req-v237.json` belongs to 2.37
        const named = /-v2(\d+)\.json$/.exec(e);
        if (kind && e.endsWith('.json')) out.push({ file: `${dir}/${e}`, mv: named ? `2.${named[1]}` : '2.1', kind });
      }
    }
  }
  return out;
}

let seq = 0;
const unique = (p: string) => `${p}-${++seq}`;

describeIfShared(
  'official Nova request samples are accepted',
  () => {
    let f: SimFixture;
    let admin: SimClient;
    let ids: ReturnType<typeof seeded>;
    beforeAll(async () => {
      f = await startFixture({ hosts: 3, computeQuota: { instances: -1, cores: -1, ram: -1, metadata_items: -1 } });
      admin = f.admin;
      ids = seeded(f);
      const pub = (await admin.mv('2.91').post('/compute/v2.1/os-keypairs', { keypair: { name: 'sample-key' } })).body
        .keypair.public_key;
      expect(pub).toBeTruthy();
    });
    afterAll(() => f.sim.close());

    const volume = async (): Promise<string> => {
      const r = await admin.post(`/volume/v3/${ids.adminProjectId}/volumes`, { volume: { size: 1 } });
      await eventually(async () => f.sim.cloud.service('volume').volumes.get(r.body.volume.id)?.status === 'available');
      return r.body.volume.id;
    };
    const hostOf = (id: string) => f.sim.cloud.service('compute').store.servers.get(id)!.host!;
    const otherHost = (id: string) => ['compute-01', 'compute-02', 'compute-03'].find((h) => h !== hostOf(id))!;

    async function adaptCreate(s: Obj): Promise<void> {
      if ('imageRef' in s) s.imageRef = ids.imageId;
      s.flavorRef = '1';
      if (s.availability_zone) s.availability_zone = 'nova';
      if (Array.isArray(s.networks))
        s.networks = s.networks.map((n: Obj) => ({ uuid: ids.networkId, ...(n.tag ? { tag: n.tag } : {}) }));
      if (s.host) s.host = 'compute-02';
      if (s.hypervisor_hostname) s.hypervisor_hostname = 'compute-02';
      if (s.key_name) s.key_name = 'sample-key';
      if (Array.isArray(s.block_device_mapping_v2))
        for (const b of s.block_device_mapping_v2) {
          if (b.source_type === 'image') b.uuid = ids.imageId;
          if (b.source_type === 'volume') b.uuid = await volume();
        }
    }

    /** Puts a fresh server into the state the action needs. */
    async function serverFor(action: string, mv: string): Promise<string> {
      const c = admin.mv(mv);
      // Security groups go onto a server's ports: those servers get one.
      const onNetwork = /SecurityGroup$/.test(action) ? { networks: [{ uuid: ids.networkId }] } : {};
      const id = await activeServer(admin.mv('2.96'), f, onNetwork);
      const go = (body: Obj) => c.post(`/compute/v2.1/servers/${id}/action`, body);
      if (action === 'os-start') {
        await go({ 'os-stop': null });
        await waitStatus(admin, id, 'SHUTOFF');
      } else if (action === 'confirmResize' || action === 'revertResize') {
        await go({ resize: { flavorRef: '2' } });
        await waitStatus(admin, id, 'VERIFY_RESIZE');
      } else if (action === 'unpause') {
        await go({ pause: null });
        await waitStatus(admin, id, 'PAUSED');
      } else if (action === 'resume') {
        await go({ suspend: null });
        await waitStatus(admin, id, 'SUSPENDED');
      } else if (action === 'evacuate') {
        const h = f.sim.cloud.service('compute').store.hosts.get(hostOf(id))!;
        h.forcedDown = true;
      }
      return id;
    }

    it.each(collectCases().map((c) => [c.file, c] as const))('%s', async (_name, c) => {
      const body = loadSample<Obj>('compute', c.file);
      const client = admin.mv(c.mv);
      let method = 'POST';
      let url = '';
      let afterwards: (() => void) | undefined;
      switch (c.kind) {
        case 'create':
          await adaptCreate(body.server);
          for (const key of ['os:scheduler_hints', 'OS-SCH-HNT:scheduler_hints'])
            if (body[key]?.group)
              body[key].group = (
                await admin.mv('2.64').post('/compute/v2.1/os-server-groups', {
                  server_group: { name: unique('grp'), policy: 'soft-anti-affinity' },
                })
              ).body.server_group.id;
          url = '/compute/v2.1/servers';
          break;
        case 'update':
          method = 'PUT';
          url = `/compute/v2.1/servers/${await activeServer(admin.mv('2.96'), f)}`;
          break;
        case 'metadata-all':
          url = `/compute/v2.1/servers/${await activeServer(admin.mv('2.96'), f)}/metadata`;
          break;
        case 'metadata-item':
          method = 'PUT';
          url = `/compute/v2.1/servers/${await activeServer(admin.mv('2.96'), f)}/metadata/${Object.keys(body.meta)[0]}`;
          break;
        case 'tags':
          method = 'PUT';
          url = `/compute/v2.1/servers/${await activeServer(admin.mv('2.96'), f)}/tags`;
          break;
        case 'attach':
          body.volumeAttachment.volumeId = await volume();
          url = `/compute/v2.1/servers/${await activeServer(admin.mv('2.96'), f)}/os-volume_attachments`;
          break;
        case 'remote-console':
          url = `/compute/v2.1/servers/${await activeServer(admin.mv('2.96'), f)}/remote-consoles`;
          break;
        case 'service': {
          method = 'PUT';
          if (Number(c.mv.split('.')[1]) >= 53) {
            const svc = (await admin.mv(c.mv).get('/compute/v2.1/os-services?host=compute-01&binary=nova-compute')).body
              .services[0];
            url = `/compute/v2.1/os-services/${svc.id}`;
            afterwards = () => void admin.mv(c.mv).put(url, { status: 'enabled', forced_down: false });
          } else {
            body.host = 'compute-01';
            body.binary = 'nova-compute';
            const verb = /disable-log/.test(c.file)
              ? 'disable-log-reason'
              : /force-down/.test(c.file)
                ? 'force-down'
                : /disable/.test(c.file)
                  ? 'disable'
                  : 'enable';
            url = `/compute/v2.1/os-services/${verb}`;
          }
          break;
        }
        case 'interface': {
          const a = body.interfaceAttachment;
          if (a.port_id)
            a.port_id = (await admin.post('/network/v2.0/ports', { port: { network_id: ids.networkId } })).body.port.id;
          if (a.net_id) a.net_id = ids.networkId;
          if (Array.isArray(a.fixed_ips))
            a.fixed_ips = a.fixed_ips.map(() => ({ ip_address: `192.0.2.${200 + (seq++ % 40)}` }));
          url = `/compute/v2.1/servers/${await activeServer(admin.mv('2.96'), f)}/os-interface`;
          break;
        }
        case 'server-group':
          url = '/compute/v2.1/os-server-groups';
          break;
        case 'keypair':
          body.keypair.name = unique('kp');
          if (body.keypair.user_id) body.keypair.user_id = f.sim.cloud.service('identity').findUser('admin')!.id;
          url = '/compute/v2.1/os-keypairs';
          break;
        case 'quota':
          method = 'PUT';
          url = `/compute/v2.1/os-quota-sets/${f.sim.cloud.service('identity').createProject({ name: unique('quota') }).id}`;
          break;
        case 'aggregate-create':
          body.aggregate.name = unique('agg');
          url = '/compute/v2.1/os-aggregates';
          break;
        case 'aggregate-update':
        case 'aggregate-action': {
          const agg = (await admin.post('/compute/v2.1/os-aggregates', { aggregate: { name: unique('agg') } })).body
            .aggregate;
          if (body.remove_host)
            await admin.post(`/compute/v2.1/os-aggregates/${agg.id}/action`, { add_host: { host: 'compute-01' } });
          if (body.add_host) body.add_host.host = 'compute-01';
          if (body.remove_host) body.remove_host.host = 'compute-01';
          if (body.aggregate) body.aggregate.name = unique('agg');
          method = c.kind === 'aggregate-update' ? 'PUT' : 'POST';
          url = `/compute/v2.1/os-aggregates/${agg.id}${c.kind === 'aggregate-action' ? '/action' : ''}`;
          break;
        }
        case 'flavor-create':
          body.flavor.name = unique('flv');
          if (body.flavor.id) body.flavor.id = unique('flv-id');
          url = '/compute/v2.1/flavors';
          break;
        case 'flavor-update': {
          const fl = (
            await admin.post('/compute/v2.1/flavors', { flavor: { name: unique('flv'), ram: 64, vcpus: 1, disk: 1 } })
          ).body.flavor;
          method = 'PUT';
          url = `/compute/v2.1/flavors/${fl.id}`;
          break;
        }
        case 'extra-specs-create':
          url = '/compute/v2.1/flavors/1/os-extra_specs';
          break;
        case 'extra-specs-update':
          method = 'PUT';
          url = `/compute/v2.1/flavors/1/os-extra_specs/${Object.keys(body)[0]}`;
          break;
        case 'action': {
          const action = Object.keys(body)[0];
          const id = await serverFor(action, c.mv);
          const a = body[action];
          if (action === 'os-migrateLive' || action === 'migrate' || action === 'evacuate') {
            if (a && typeof a === 'object' && a.host) a.host = otherHost(id);
          }
          if (action === 'evacuate') {
            const h = f.sim.cloud.service('compute').store.hosts.get(hostOf(id))!;
            afterwards = () => {
              h.forcedDown = false;
            };
          }
          if (action === 'rebuild') {
            a.imageRef = ids.imageId;
            if (a.key_name) a.key_name = 'sample-key';
          }
          if (action === 'resize') a.flavorRef = '2';
          if (action === 'addSecurityGroup' || action === 'removeSecurityGroup') {
            a.name = 'default';
            if (action === 'addSecurityGroup') {
              // Nova looks the group up in Neutron: the sample's group must exist.
              a.name = 'web';
              const groups = (await admin.get('/network/v2.0/security-groups?name=web')).body.security_groups;
              if (!groups.length)
                await admin.post('/network/v2.0/security-groups', { security_group: { name: 'web' } });
            }
          }
          url = `/compute/v2.1/servers/${id}/action`;
          break;
        }
        default:
          throw new Error(`no route for ${c.file}`);
      }
      const r = await client.call(method, url, body);
      afterwards?.();
      if (INVALID_AT_THEIR_VERSION.has(c.file)) {
        expect(r.status).toBe(400);
        return;
      }
      if (r.status >= 300)
        throw new Error(`${c.file} @${c.mv}: ${method} ${url} → ${r.status} ${JSON.stringify(r.body)}`);
    });
  },
  { samples: true },
);
