import { glanceError } from './errors';
import { readOnlyAttrs, type Caller, type ImageRecord } from './model';
import type { ImageService } from './service';

interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
}

const baseKeys = [
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'owner',
  'min_disk',
  'min_ram',
  'container_format',
  'disk_format',
  'tags',
];

/** The v2.0 media type's draft form `{ "replace": "/name", "value": ... }` as a v2.1 operation. */
function draftOp(raw: unknown): PatchOp {
  if (!raw || typeof raw !== 'object' || 'op' in raw) return raw as PatchOp;
  const r = raw as Record<string, unknown>;
  const op = ['add', 'replace', 'remove'].find((k) => typeof r[k] === 'string');
  return (op ? { op, path: r[op], ...('value' in r ? { value: r.value } : {}) } : r) as unknown as PatchOp;
}

/** Applies Glance's `application/openstack-images-v2.1-json-patch` (or the v2.0 draft form) (add / replace / remove on top-level attributes). */
export function applyImagePatch(svc: ImageService, caller: Caller, img: ImageRecord, ops: unknown): ImageRecord {
  if (!Array.isArray(ops)) throw glanceError(400, 'Request body must be a JSON array of operation objects.');
  const working: ImageRecord = JSON.parse(JSON.stringify(img));
  for (const given of ops as unknown[]) {
    const raw = draftOp(given);
    if (!raw || typeof raw !== 'object' || typeof raw.path !== 'string')
      throw glanceError(400, 'Operation objects must contain exactly one member named "op", and a "path".');
    const { op, path } = raw;
    if (!['add', 'replace', 'remove'].includes(op))
      throw glanceError(400, `Invalid operation: \`${String(op)}\`: Operation "${String(op)}" not supported.`);
    const m = /^\/([^/]+)$/.exec(path);
    if (!m) throw glanceError(400, `Invalid JSON pointer for this resource: '${path}'`);
    const key = m[1].replace(/~1/g, '/').replace(/~0/g, '~');
    const isBase = baseKeys.includes(key);
    if (readOnlyAttrs.includes(key)) throw glanceError(403, `Attribute '${key}' is read-only.`);
    if (op === 'remove') {
      if (isBase) throw glanceError(403, `Attribute '${key}' is read-only.`);
      if (!(key in working.properties)) throw glanceError(409, `Property ${key} does not exist.`);
      delete working.properties[key];
      continue;
    }
    if (!('value' in raw)) throw glanceError(400, `Operation "${op}" requires a member named "value".`);
    if (op === 'replace' && !isBase && !(key in working.properties))
      throw glanceError(409, `Property ${key} does not exist.`);
    svc.setAttr(caller, working, key, raw.value);
  }
  Object.assign(img, working);
  svc.touch(img);
  return img;
}
