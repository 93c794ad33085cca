import { BlockStorageApi } from './block-storage';
import { ComputeApi } from './compute';
import { loadCloudConfig, type CloudConfig } from './config';
import { IdentityApi } from './identity';
import { ImageApi } from './image';
import { LoadBalancerApi } from './load-balancer';
import { NetworkApi } from './network';
import { Session, type SessionOptions } from './session';

/** One cloud login and scope: the typed module of each service over one session. */
export class OpenStackClient {
  readonly compute: ComputeApi;
  readonly network: NetworkApi;
  readonly blockStorage: BlockStorageApi;
  readonly image: ImageApi;
  readonly loadBalancer: LoadBalancerApi;
  readonly identity: IdentityApi;

  constructor(readonly session: Session) {
    this.compute = new ComputeApi(session);
    this.network = new NetworkApi(session);
    this.blockStorage = new BlockStorageApi(session);
    this.image = new ImageApi(session);
    this.loadBalancer = new LoadBalancerApi(session);
    this.identity = new IdentityApi(session);
  }
}

/** A client for `config`, or for the cloud `OS_CLOUD`/`OS_*` describe when none is given. */
export function createOpenStackClient(config: CloudConfig = loadCloudConfig(), opts?: SessionOptions): OpenStackClient {
  return new OpenStackClient(new Session(config, opts));
}
