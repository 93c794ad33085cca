import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSimulator, type RunningSimulator } from '../../simulator/server';

/**
 * The official OpenStack CLI (Debian's python3-openstackclient) against the in-process simulator:
 * discovery on every endpoint, Keystone, Neutron, Nova, Cinder and Glance as a user would drive them.
 */
const CLI = '/usr/bin/openstack';
const run = promisify(execFile);
const describeCli = existsSync(CLI) ? describe : describe.skip;
if (!existsSync(CLI))
  console.warn(
    `[openstack-cli.test] ${CLI} is absent (apt-get install python3-openstackclient): skipping the official CLI test.`,
  );

jest.setTimeout(120_000);

let sim: RunningSimulator;
let tmp: string;

async function openstack<T = any>(...args: string[]): Promise<T> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tmp,
    OS_AUTH_URL: `${sim.url}/identity/v3`,
    OS_USERNAME: 'admin',
    OS_PASSWORD: 'secret',
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
    OS_REGION_NAME: 'RegionOne',
  };
  try {
    const { stdout } = await run(CLI, [...args, '-f', 'json'], { env, timeout: 90_000, maxBuffer: 10 * 1024 * 1024 });
    return JSON.parse(stdout) as T;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`openstack ${args.join(' ')} failed: ${err.message}\n${err.stderr ?? ''}${err.stdout ?? ''}`, {
      cause: e,
    });
  }
}

describeCli('official openstack CLI against the simulator', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'osc-'));
    sim = await startSimulator({ buildMs: 100, actionMs: 50 });
  });
  afterAll(async () => {
    await sim?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('issues a token', async () => {
    const token = await openstack('token', 'issue');
    expect(token.id).toBeTruthy();
    expect(token.project_id).toBe(sim.cloud.service('identity').findProject('admin')!.id);
  });

  it('creates and lists networks and subnets (Neutron)', async () => {
    const net = await openstack('network', 'create', 'cli-net');
    expect(net).toMatchObject({ name: 'cli-net', status: 'ACTIVE', 'router:external': false });
    const subnet = await openstack(
      'subnet',
      'create',
      '--network',
      'cli-net',
      '--subnet-range',
      '10.77.0.0/24',
      'cli-subnet',
    );
    expect(subnet).toMatchObject({
      name: 'cli-subnet',
      cidr: '10.77.0.0/24',
      gateway_ip: '10.77.0.1',
      network_id: net.id,
    });
    const nets = await openstack<Array<{ ID: string; Name: string; Subnets: string[] }>>('network', 'list');
    expect(nets.map((n) => n.Name)).toEqual(expect.arrayContaining(['public', 'provider', 'cli-net']));
    expect(nets.find((n) => n.Name === 'cli-net')!.Subnets).toEqual([subnet.id]);
  });

  it('boots a server and lists it (Nova, with Glance and Neutron behind it)', async () => {
    const server = await openstack(
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'cirros-0.6.2-x86_64-disk',
      '--network',
      'cli-net',
      '--wait',
      'cli-server',
    );
    expect(server).toMatchObject({ name: 'cli-server', status: 'ACTIVE' });
    expect(JSON.stringify(server.addresses)).toContain('10.77.0.');
    const servers = await openstack<Array<{ Name: string; Status: string; Networks: unknown }>>('server', 'list');
    expect(servers.find((s) => s.Name === 'cli-server')).toMatchObject({ Status: 'ACTIVE' });
  });

  it('creates and lists volumes (Cinder)', async () => {
    const volume = await openstack('volume', 'create', '--size', '1', 'cli-volume');
    expect(volume).toMatchObject({ name: 'cli-volume', size: 1 });
    const volumes = await openstack<Array<{ Name: string; Size: number; Status: string }>>('volume', 'list');
    expect(volumes.find((v) => v.Name === 'cli-volume')).toMatchObject({ Size: 1 });
  });

  it('creates and lists images (Glance)', async () => {
    const file = path.join(tmp, 'disk.raw');
    writeFileSync(file, 'not really a disk');
    const image = await openstack(
      'image',
      'create',
      '--disk-format',
      'raw',
      '--container-format',
      'bare',
      '--file',
      file,
      'cli-image',
    );
    expect(image).toMatchObject({ name: 'cli-image', disk_format: 'raw' });
    const images = await openstack<Array<{ Name: string; Status: string }>>('image', 'list');
    expect(images.find((i) => i.Name === 'cli-image')).toMatchObject({ Status: 'active' });
    expect(images.map((i) => i.Name)).toEqual(expect.arrayContaining(['cirros-0.6.2-x86_64-disk', 'ubuntu-24.04']));
  });
});
