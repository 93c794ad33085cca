import type { components } from '../../../openapi/cmp';

export type Schemas = components['schemas'];
export type Me = Schemas['Me'];
