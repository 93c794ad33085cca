import { SimHttpError } from '../core/errors';

const titles: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
};

/** Glance (webob) error as JSON: `{ message, code: "404 Not Found", title }`. */
export function glanceError(status: number, message: string): SimHttpError {
  const title = titles[status] ?? 'Error';
  return new SimHttpError(status, { message, code: `${status} ${title}`, title });
}

export const imageNotFound = (id: string) => glanceError(404, `No image found with ID ${id}`);
