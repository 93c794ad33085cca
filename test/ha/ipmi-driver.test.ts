import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ipmiDriver } from '../../activities/openstack/ha-fence-drivers';
import { createHaFencingActivities, type FenceResult } from '../../activities/openstack/ha-fencing';
import { parseFencing, type FenceTarget } from '../../domain/ha/fencing';
import { freePort } from '../support/free-port';

/** A stand-in for Debian's ipmitool on PATH: records its argv and the password it got, keeps the chassis state in a file. */
const fakeIpmitool = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_IPMI_DIR/argv.log"
printf '%s' "$IPMI_PASSWORD" > "$FAKE_IPMI_DIR/password.seen"
if [ -f "$FAKE_IPMI_DIR/fail" ]; then echo "Error: Unable to establish IPMI v2 / RMCP+ session" >&2; exit 1; fi
case "$*" in
  *"chassis power status"*) if [ -f "$FAKE_IPMI_DIR/off" ]; then echo "Chassis Power is off"; else echo "Chassis Power is on"; fi ;;
  *"chassis power off"*) touch "$FAKE_IPMI_DIR/off"; echo "Chassis Power Control: Down/Off" ;;
  *) echo "unknown command" >&2; exit 1 ;;
esac
`;

describe('IPMI fencing driver (a fake ipmitool on PATH)', () => {
  const password = 'bmc-S3cret-pw';
  let dir: string;
  const saved = { PATH: process.env.PATH, FAKE_IPMI_DIR: process.env.FAKE_IPMI_DIR };
  const target = parseFencing(
    JSON.stringify({
      'compute-07': { driver: 'ipmi', address: '10.20.0.7', username: 'fence', passwordEnv: 'CMP_TEST_BMC_PASSWORD' },
    }),
  );

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cmp-ipmi-'));
    writeFileSync(path.join(dir, 'ipmitool'), fakeIpmitool);
    chmodSync(path.join(dir, 'ipmitool'), 0o755);
    process.env.PATH = `${dir}:${saved.PATH}`;
    process.env.FAKE_IPMI_DIR = dir;
    process.env.CMP_TEST_BMC_PASSWORD = password;
  });
  afterAll(() => {
    process.env.PATH = saved.PATH;
    if (saved.FAKE_IPMI_DIR === undefined) delete process.env.FAKE_IPMI_DIR;
    delete process.env.CMP_TEST_BMC_PASSWORD;
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    for (const f of ['argv.log', 'password.seen', 'off', 'fail']) rmSync(path.join(dir, f), { force: true });
  });
  const argv = () => readFileSync(path.join(dir, 'argv.log'), 'utf8').trim().split('\n');

  it('powers off with lanplus and -E, the password only in the environment, then confirms power off', async () => {
    const fencing = createHaFencingActivities({ fencing: target, fenceTimeoutMs: 5000, pollMs: 50 });
    const r = await new MockActivityEnvironment().run(fencing.haPowerFenceHost, { host: 'compute-07' });
    expect(r).toEqual({ fenced: true, driver: 'ipmi', power: 'off' });
    const base = '-I lanplus -H 10.20.0.7 -U fence -E chassis power';
    expect(argv()).toEqual([`${base} status`, `${base} off`, `${base} status`]);
    expect(argv().join('\n')).not.toContain(password);
    expect(readFileSync(path.join(dir, 'password.seen'), 'utf8')).toBe(password);
    expect(existsSync(path.join(dir, 'off'))).toBe(true);
  });

  it('reports a BMC that does not answer as not fenced, without the password in the error', async () => {
    writeFileSync(path.join(dir, 'fail'), '');
    const fencing = createHaFencingActivities({ fencing: target, fenceTimeoutMs: 300, pollMs: 50 });
    const r: FenceResult = await new MockActivityEnvironment().run(fencing.haPowerFenceHost, { host: 'compute-07' });
    expect(r).toMatchObject({ fenced: false, driver: 'ipmi', power: 'unknown' });
    expect(r.error).toMatch(/Unable to establish IPMI v2/);
    expect(JSON.stringify(r)).not.toContain(password);
    await expect(
      createHaFencingActivities({ fencing: {} }).haPowerFenceHost({ host: 'compute-07' }),
    ).resolves.toMatchObject({ fenced: false, error: 'no fencing driver configured for compute-07' });
  });

  it('probes the management address over TCP as the second signal of a host Nova reports down', async () => {
    const server = createServer((sock) => sock.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const open = (server.address() as AddressInfo).port;
    const closed = await freePort();
    const ipmi = (probePort: number) => ({
      driver: 'ipmi' as const,
      address: '10.20.0.7',
      username: 'fence',
      passwordEnv: 'CMP_TEST_BMC_PASSWORD',
      interface: 'lanplus' as const,
      managementAddress: '127.0.0.1',
      probePort,
    });
    try {
      const fencing = createHaFencingActivities({ fencing: { alive: ipmi(open), dead: ipmi(closed) } });
      expect(await fencing.haHostSignals({ hosts: ['alive', 'dead', 'unknown'] })).toEqual([
        { host: 'alive', metricsPresent: null, probeOk: true },
        { host: 'dead', metricsPresent: null, probeOk: false },
        { host: 'unknown', metricsPresent: null, probeOk: null },
      ]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses to run ipmitool when the credentials reference is not set, and never takes a password in the configuration', async () => {
    const t = {
      ...(target['compute-07'] as Extract<FenceTarget, { driver: 'ipmi' }>),
      passwordEnv: 'CMP_TEST_UNSET_PASSWORD',
    };
    await expect(ipmiDriver(t, { host: 'compute-07' }).powerStatus()).rejects.toThrow(
      /CMP_TEST_UNSET_PASSWORD is not set/,
    );
    expect(existsSync(path.join(dir, 'argv.log'))).toBe(false);
    expect(() =>
      parseFencing(
        JSON.stringify({ x: { driver: 'ipmi', address: 'a', username: 'u', passwordEnv: 'P', password: 'p' } }),
      ),
    ).toThrow(/HA_FENCING x/);
  });
});
