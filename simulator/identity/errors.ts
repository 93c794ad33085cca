import { keystoneError, type SimHttpError } from '../core/errors';

export const unauthorized = (): SimHttpError =>
  keystoneError(401, 'Unauthorized', 'The request you have made requires authentication.');

export const forbidden = (action: string): SimHttpError =>
  keystoneError(403, 'Forbidden', `You are not authorized to perform the requested action: ${action}.`);

export const notFound = (kind: string, id: string): SimHttpError =>
  keystoneError(404, 'Not Found', `Could not find ${kind}: ${id}.`);

export const badRequest = (message: string): SimHttpError => keystoneError(400, 'Bad Request', message);

export const conflict = (message: string): SimHttpError =>
  keystoneError(409, 'Conflict', `Conflict occurred attempting to store ${message}`);

/** Keystone's TokenNotFound: a token that is unknown, revoked or expired, given to the token auth method. */
export const tokenNotFound = (): SimHttpError => keystoneError(404, 'Not Found', 'Failed to validate token');
