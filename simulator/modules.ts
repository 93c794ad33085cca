import type { SimModule } from './core/module';
import { identityModule } from './identity';
import { computeModule } from './compute';
import { networkModule } from './network';
import { volumeModule } from './volume';
import { imageModule } from './image';
import { loadBalancerModule } from './load-balancer';
import { adminModule } from './admin';
import { metricsModule } from './metrics';

/**
 * Install order matters for modules that look others up at install time: identity first (the
 * others seed with the admin project), admin after every stateful module (it records their seeded
 * state for /sim-admin/reset).
 */
export const allModules: SimModule[] = [
  identityModule,
  imageModule,
  networkModule,
  volumeModule,
  computeModule,
  loadBalancerModule,
  metricsModule,
  adminModule,
];
