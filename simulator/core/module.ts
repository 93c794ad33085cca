import type { Hono } from 'hono';
import type { SimCloud } from './cloud';
import type { AuthEnv } from './auth-context';

/** One OpenStack service (or simulator extra) mounted under `prefix` of the simulator's single port. */
export interface SimModule {
  /** Service type as it appears in the Keystone catalog (`compute`, `network`...), or an internal name. */
  name: string;
  /** Path prefix on the simulator's port, e.g. `/compute`. */
  prefix: string;
  /** Creates and registers the module's state on the cloud (`cloud.register(...)`). Called before any routes(). */
  install(cloud: SimCloud): void;
  /** The module's routes, relative to `prefix`. */
  routes(cloud: SimCloud): Hono<AuthEnv>;
}
