import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error every route answers with: `{ code, message, details, requestId }`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, 'bad_request', message, details);
export const unauthorized = (message = 'authentication required') => new ApiError(401, 'unauthorized', message);
export const forbidden = (message = 'not allowed') => new ApiError(403, 'forbidden', message);
export const notFound = (what: string, id?: string) =>
  new ApiError(404, 'not_found', id ? `${what} ${id} not found` : `${what} not found`);
export const conflict = (message: string, details?: unknown) => new ApiError(409, 'conflict', message, details);
export const unprocessable = (message: string, details?: unknown) =>
  new ApiError(422, 'validation_failed', message, details);
