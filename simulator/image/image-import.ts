import { glanceError } from './errors';
import type { Caller, ImageRecord } from './model';
import type { ImageService } from './service';

export const importMethods = ['glance-direct', 'web-download', 'copy-image'];

/** `PUT /v2/images/{id}/stage`: data parked for a later `glance-direct` import (queued → uploading). */
export function stageImage(svc: ImageService, caller: Caller, id: string, bytes: Buffer): void {
  const img = svc.getOwned(caller, id, 'upload_image');
  if (img.status !== 'queued')
    throw glanceError(409, `Image status transition from ${img.status} to uploading is not allowed`);
  svc.data.set(id, bytes);
  img.status = 'uploading';
  svc.touch(img);
}

/**
 * `POST /v2/images/{id}/import`: `web-download` (from queued) or `glance-direct` (from uploading)
 * moves the image to importing, then active after `actionMs`. The simulator never fetches the URI
 * (no traffic leaves loopback): a web-download image gets empty data.
 */
export function importImage(svc: ImageService, caller: Caller, id: string, body: unknown): ImageRecord {
  const img = svc.getOwned(caller, id, 'import_image');
  const method = (body as { method?: { name?: unknown; uri?: unknown } } | null)?.method;
  if (!method || typeof method.name !== 'string') throw glanceError(400, "Import request requires a 'method' field.");
  if (!importMethods.includes(method.name)) throw glanceError(400, `Import method ${method.name} is not valid.`);
  if (method.name === 'web-download') {
    if (typeof method.uri !== 'string' || !/^https?:\/\//.test(method.uri))
      throw glanceError(400, 'URI for web-download does not pass filtering: ' + String(method.uri));
    if (img.status !== 'queued')
      throw glanceError(409, `Image status transition from ${img.status} to importing is not allowed`);
  } else if (method.name === 'glance-direct') {
    if (img.status !== 'uploading')
      throw glanceError(409, `Image status transition from ${img.status} to importing is not allowed`);
  } else if (img.status !== 'active') {
    throw glanceError(409, `Image ${id} is not in active state`);
  }
  if (method.name === 'copy-image') return img;
  if (!img.disk_format || !img.container_format)
    throw glanceError(400, 'Properties disk_format, container_format must be set prior to importing data.');
  img.status = 'importing';
  if (method.name === 'web-download') img.properties['os_glance_import_source'] = method.uri as string;
  svc.touch(img);
  svc.cloud.later(svc.cloud.options.actionMs, () => {
    if (img.status !== 'importing') return;
    svc.finishImport(img);
  });
  return img;
}
