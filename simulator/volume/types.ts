/**
 * Cinder volume types and the backend pools volumes are placed on, as c-sch does: a type's
 * `volume_backend_name` extra spec limits the pools, and the pool with the most free capacity that
 * fits the volume takes it (none: the volume goes to `error`, as "No valid backend was found").
 * Backends are configuration in a real Cinder (cinder.conf); here the simulator's admin API adds them.
 */
import { novaError } from '../core/errors';
import { badRequest, forbidden } from './errors';
import { DEFAULT_TYPE_ID, DEFAULT_TYPE_NAME, VOLUME_HOST, type Caller } from './model';

export interface VolumeTypeRecord {
  id: string;
  name: string;
  description: string | null;
  is_public: boolean;
  extra_specs: Record<string, string>;
}

export interface BackendPool {
  /** `host@backend#pool`, as volumes' `os-vol-host-attr:host` and get_pools name it. */
  name: string;
  backend: string;
  totalCapacityGb: number;
  storageProtocol: string;
  reservedPercentage: number;
}

export const defaultVolumeType = (): VolumeTypeRecord => ({
  id: DEFAULT_TYPE_ID,
  name: DEFAULT_TYPE_NAME,
  description: 'Default Volume Type',
  is_public: true,
  extra_specs: {},
});

export const DEFAULT_POOL_CAPACITY_GB = 100 * 1024;

export const defaultPool = (): BackendPool => ({
  name: VOLUME_HOST,
  backend: VOLUME_HOST.split('#')[1]!,
  totalCapacityGb: DEFAULT_POOL_CAPACITY_GB,
  storageProtocol: 'iSCSI',
  reservedPercentage: 0,
});

export const typeNotFound = (id: string) => novaError(404, `Volume type ${id} could not be found.`);

export function requireTypesManage(caller: Caller): void {
  if (!caller.isAdmin) throw forbidden('volume_extension:types_manage');
}

export function renderType(t: VolumeTypeRecord) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    is_public: t.is_public,
    extra_specs: t.extra_specs,
    'os-volume-type-access:is_public': t.is_public,
    qos_specs_id: null,
  };
}

const boolOf = (v: unknown, field: string): boolean => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw badRequest(`Invalid input for field/attribute ${field}. Value: ${String(v)}. Not a boolean.`);
};

/** Extra specs as Cinder accepts them: keys and values strings of 1..255 characters. */
export function specsOf(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw badRequest("Invalid input for field/attribute extra_specs. Value: None. None is not of type 'object'");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!/^[\w.:-]{1,255}$/.test(k)) throw badRequest(`Invalid input for field/attribute extra_specs. Key '${k}'`);
    if (typeof v !== 'string' || v.length > 255)
      throw badRequest(`Invalid input for field/attribute extra_specs. Value of '${k}' must be a string`);
    out[k] = v;
  }
  return out;
}

/** The type fields of a create or update body (`volume_type`). */
export function typeFields(raw: unknown, create: boolean): Partial<VolumeTypeRecord> {
  const b = (raw as Record<string, unknown> | undefined)?.volume_type as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object')
    throw badRequest("Invalid input for field/attribute volume_type. Value: None. None is not of type 'object'");
  const out: Partial<VolumeTypeRecord> = {};
  if (b.name !== undefined || create) {
    if (typeof b.name !== 'string' || !b.name.trim() || b.name.length > 255)
      throw badRequest('Invalid input for field/attribute name. Volume type name must be 1 to 255 characters.');
    out.name = b.name.trim();
  }
  if (b.description !== undefined) {
    if (b.description !== null && (typeof b.description !== 'string' || b.description.length > 255))
      throw badRequest('Invalid input for field/attribute description.');
    out.description = b.description as string | null;
  }
  const pub = b['os-volume-type-access:is_public'] ?? b.is_public;
  if (pub !== undefined) out.is_public = boolOf(pub, 'is_public');
  if (b.extra_specs !== undefined) {
    if (!create) throw badRequest('Additional properties are not allowed (extra_specs was unexpected)');
    out.extra_specs = specsOf(b.extra_specs);
  }
  return out;
}
