import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import type { FenceTarget } from '../../domain/ha/fencing';

export type PowerState = 'on' | 'off';

/** Powers a host off and reads its chassis power state; probes its management network where it can (null: no probe). */
export interface FenceDriver {
  powerOff(): Promise<void>;
  powerStatus(): Promise<PowerState>;
  probe(): Promise<boolean | null>;
}

export interface DriverContext {
  host: string;
  /** Base URL of the simulator (the cloud's origin) for `simulator` targets without their own. */
  simulatorUrl?: string;
  /** Environment the credentials references are read from (the worker's). */
  env?: NodeJS.ProcessEnv;
  /** The ipmitool binary (found on PATH by default). */
  ipmitool?: string;
  timeoutMs?: number;
}

export function fenceDriver(t: FenceTarget, ctx: DriverContext): FenceDriver {
  return t.driver === 'ipmi' ? ipmiDriver(t, ctx) : simulatorDriver(t.url ?? ctx.simulatorUrl, ctx);
}

/**
 * Debian's `ipmitool` over the BMC's LAN interface. The password goes to ipmitool in its environment
 * (`IPMI_PASSWORD`, read because of `-E`), so it is never in argv (visible in `ps`), a log or an error.
 */
export function ipmiDriver(t: Extract<FenceTarget, { driver: 'ipmi' }>, ctx: DriverContext): FenceDriver {
  const env = ctx.env ?? process.env;
  const run = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const password = env[t.passwordEnv];
      if (password === undefined)
        return reject(new Error(`credentials of ${ctx.host}: ${t.passwordEnv} is not set in the worker's environment`));
      const argv = ['-I', t.interface, '-H', t.address, '-U', t.username, '-E', ...args];
      execFile(
        ctx.ipmitool ?? 'ipmitool',
        argv,
        { env: { ...process.env, IPMI_PASSWORD: password }, timeout: ctx.timeoutMs ?? 20_000 },
        (err, stdout, stderr) => {
          if (!err) return resolve(String(stdout));
          const why = String(stderr).trim().split('\n').pop() || err.message.split('\n')[0];
          reject(
            new Error(
              `ipmitool ${args.join(' ')} on ${t.address} failed: ${password ? why.split(password).join('***') : why}`,
            ),
          );
        },
      );
    });
  return {
    async powerOff() {
      await run(['chassis', 'power', 'off']);
    },
    async powerStatus() {
      const out = await run(['chassis', 'power', 'status']);
      const m = /Chassis Power is (on|off)/i.exec(out);
      if (!m) throw new Error(`ipmitool on ${t.address} answered no power state: ${out.trim().slice(0, 200)}`);
      return m[1]!.toLowerCase() as PowerState;
    },
    probe: () =>
      t.managementAddress ? tcpProbe(t.managementAddress, t.probePort, ctx.timeoutMs) : Promise.resolve(null),
  };
}

/** The simulator's power API (`/sim-admin/hosts/{host}/power`) and management probe. */
export function simulatorDriver(baseUrl: string | undefined, ctx: DriverContext): FenceDriver {
  const url = (p: string) => {
    if (!baseUrl) throw new Error(`no simulator URL to fence ${ctx.host} with`);
    return new URL(`/sim-admin/hosts/${encodeURIComponent(ctx.host)}/${p}`, baseUrl);
  };
  const signal = () => AbortSignal.timeout(ctx.timeoutMs ?? 10_000);
  const power = async (res: Response): Promise<PowerState> => {
    const body = (await res.json().catch(() => null)) as { power?: PowerState; error?: { message?: string } } | null;
    if (!res.ok || !body?.power)
      throw new Error(`power API of ${ctx.host}: ${res.status} ${body?.error?.message ?? 'no answer'}`);
    return body.power;
  };
  return {
    async powerOff() {
      await power(
        await fetch(url('power'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'off' }),
          signal: signal(),
        }),
      );
    },
    async powerStatus() {
      return power(await fetch(url('power'), { signal: signal() }));
    },
    async probe() {
      const res = await fetch(url('probe'), { signal: signal() }).catch(() => null);
      return res !== null && res.ok;
    },
  };
}

/** Whether a TCP connection to the management address opens within the timeout. */
export function tcpProbe(host: string, port: number, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
