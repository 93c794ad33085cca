import type { components, paths } from './cmp';

/** Schemas of the REST contract, generated from `cmp.yaml`; handlers type their answers with these. */
export type Schemas = components['schemas'];
export type Paths = paths;
