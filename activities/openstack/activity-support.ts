import { Context } from '@temporalio/activity';
import { createOpenStackClient, type OpenStackClient } from './index';
import { loadCloudConfig, type CloudConfig } from './config';
import type { SessionOptions } from './session';
import type { WaitOptions } from './waiters';

const clients = new Map<string, OpenStackClient>();

/**
 * The worker's client of a cloud (one per config name, built from `OS_CLOUD`/`OS_*` when no
 * config is given), so every activity shares the session and its token.
 */
export function openStackClient(config?: CloudConfig, opts?: SessionOptions): OpenStackClient {
  const cfg = config ?? loadCloudConfig();
  const key = `${cfg.name}|${cfg.auth.authUrl}|${cfg.regionName ?? ''}`;
  let client = clients.get(key);
  if (!client) {
    client = createOpenStackClient(cfg, opts);
    clients.set(key, client);
  }
  return client;
}

/**
 * Wait options for use inside an activity: every poll heartbeats the status (so the activity's
 * heartbeat timeout detects a dead worker) and cancellation of the activity stops the wait.
 */
export function heartbeatingWait<T>(opts: WaitOptions<T> = {}): WaitOptions<T> {
  const ctx = Context.current();
  return {
    ...opts,
    signal: opts.signal ?? ctx.cancellationSignal,
    onPoll: async (status, resource) => {
      ctx.heartbeat({ status });
      await opts.onPoll?.(status, resource);
    },
  };
}
