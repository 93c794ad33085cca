import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { SimCloud } from './core/cloud';
import type { SimOptions } from './core/options';
import type { SimModule } from './core/module';
import { createSimApp } from './app';
import { allModules } from './modules';
import { loadState, saveState } from './persistence';

export interface StartSimulatorOptions extends Partial<SimOptions> {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** Modules to serve instead of `allModules` (tests of one service). */
  modules?: SimModule[];
  /** How often state is saved when `stateFile` is set (default 10 s). */
  saveIntervalMs?: number;
}

export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`; Keystone is at `${url}/identity/v3`. */
  url: string;
  cloud: SimCloud;
  close(): Promise<void>;
}

/** Starts the simulator in this process on a loopback port. */
export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const { port = 0, host = '127.0.0.1', modules = allModules, saveIntervalMs, ...simOptions } = opts;
  const cloud = new SimCloud(simOptions);
  const app = createSimApp(cloud, modules);
  const stateFile = cloud.options.stateFile;
  if (stateFile) loadState(cloud, stateFile);

  const server: Server = createServer(getRequestListener(app.fetch));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${addr.port}`;
  cloud.baseUrl = url;
  const dataPlane = cloud.services['data-plane'];
  try {
    await dataPlane?.start(addr.port);
  } catch (e) {
    cloud.close();
    await new Promise((resolve) => server.close(resolve));
    throw e;
  }
  cloud.started();

  const saver = stateFile ? setInterval(() => saveState(cloud, stateFile), saveIntervalMs ?? 10_000) : undefined;
  saver?.unref();

  let closed = false;
  return {
    url,
    cloud,
    async close() {
      if (closed) return;
      closed = true;
      if (saver) clearInterval(saver);
      if (stateFile) saveState(cloud, stateFile);
      await dataPlane?.stop();
      cloud.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
