import { BlockStorageApi } from './block-storage';
import { ComputeApi } from './compute';
import { loadCloudConfig, type CloudConfig } from './config';
import { IdentityApi } from './identity';
import { ImageApi } from './image';
import { LoadBalancerApi } from './load-balancer';
import { NetworkApi } from './network';
import { OpenStackSession, type SessionOptions } from './session';
import * as waiters from './waiters';
import type { WaitOptions } from './waiters';
import type { Server } from './compute';
import type { Volume } from './block-storage';
import type { LoadBalancer } from './load-balancer';
import type { Migration } from './compute';

/** One cloud's typed APIs over one session. */
export class OpenStackClient {
  readonly compute: ComputeApi;
  readonly network: NetworkApi;
  readonly blockStorage: BlockStorageApi;
  readonly image: ImageApi;
  readonly loadBalancer: LoadBalancerApi;
  readonly identity: IdentityApi;

  constructor(readonly session: OpenStackSession) {
    this.compute = new ComputeApi(session);
    this.network = new NetworkApi(session);
    this.blockStorage = new BlockStorageApi(session);
    this.image = new ImageApi(session);
    this.loadBalancer = new LoadBalancerApi(session);
    this.identity = new IdentityApi(session);
  }

  waitForServerStatus(id: string, target: string[], opts?: WaitOptions<Server>) {
    return waiters.waitForServerStatus(this.compute, id, target, opts);
  }
  waitForServerDeleted(id: string, opts?: WaitOptions<Server>) {
    return waiters.waitForServerDeleted(this.compute, id, opts);
  }
  waitForVolumeStatus(id: string, target: string[], opts?: WaitOptions<Volume>) {
    return waiters.waitForVolumeStatus(this.blockStorage, id, target, opts);
  }
  waitForLoadBalancerActive(id: string, opts?: WaitOptions<LoadBalancer>) {
    return waiters.waitForLoadBalancerActive(this.loadBalancer, id, opts);
  }
  waitForMigration(serverId: string, migrationId?: number | string, opts?: WaitOptions<Migration>) {
    return waiters.waitForMigration(this.compute, serverId, migrationId, opts);
  }
}

/** A client for `config`, or for the cloud `OS_CLOUD`/`OS_*` describe when none is given. */
export function createOpenStackClient(config: CloudConfig = loadCloudConfig(), opts?: SessionOptions): OpenStackClient {
  return new OpenStackClient(new OpenStackSession(config, opts));
}

export * from './block-storage';
export * from './compute';
export * from './config';
export * from './errors';
export * from './identity';
export * from './idempotency';
export * from './image';
export * from './load-balancer';
export * from './logger';
export * from './network';
export * from './paging';
export * from './service-types';
export * from './session';
export * from './token-cache';
export * from './waiters';
export { findEndpoint, versionedBase, EndpointNotFoundError } from './catalog';
export { redact } from './redact';
