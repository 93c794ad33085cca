import { novaError } from '../core/errors';

/** Cinder's faults: `{ badRequest|itemNotFound|overLimit|forbidden: { code, message } }`. */
export const volumeNotFound = (id: string) => novaError(404, `Volume ${id} could not be found.`);
export const snapshotNotFound = (id: string) => novaError(404, `Snapshot ${id} could not be found.`);
export const attachmentNotFound = (id: string) =>
  novaError(404, `Volume attachment could not be found with filter: attachment_id = ${id}.`);
export const invalidVolume = (reason: string) => novaError(400, `Invalid volume: ${reason}`);
export const invalidSnapshot = (reason: string) => novaError(400, `Invalid snapshot: ${reason}`);
export const invalidInput = (reason: string) => novaError(400, `Invalid input received: ${reason}`);
export const badRequest = (message: string) => novaError(400, message);
export const forbidden = (action: string) => novaError(403, `Policy doesn't allow ${action} to be performed.`);
export const overLimit = (message: string) => novaError(413, message);
export const resourceNotFound = () => novaError(404, 'The resource could not be found.');
export const volumeTypeNotFound = (name: string) => novaError(404, `Volume type with name ${name} could not be found.`);
export const snapshotMetadataNotFound = (id: string, key: string) =>
  novaError(404, `Snapshot ${id} has no metadata with key ${key}.`);
