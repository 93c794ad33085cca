import type { SimModule } from './core/module';
import { identityModule } from './identity';

/**
 * Loads a module that may not be written yet (the tree is built by several people at once):
 * a missing directory is skipped, any other load error is thrown.
 * TODO(core): switch to static imports once every module below exists.
 */
function optional(dir: string, exportName: string): SimModule[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(dir) as Record<string, SimModule>;
    return mod[exportName] ? [mod[exportName]] : [];
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND' && err.message.includes(`'${dir}'`)) return [];
    throw e;
  }
}

/** Install order matters only for modules that look others up at install time. */
export const allModules: SimModule[] = [
  identityModule,
  ...optional('./image', 'imageModule'),
  ...optional('./network', 'networkModule'),
  ...optional('./volume', 'volumeModule'),
  ...optional('./compute', 'computeModule'),
  ...optional('./load-balancer', 'loadBalancerModule'),
  ...optional('./admin', 'adminModule'),
  ...optional('./metrics', 'metricsModule'),
];
