/**
 * The few session primitives the operate activities use: one authenticated JSON call per service.
 * Errors come back as the typed client's ApplicationFailures (OpenStackNotFound, OpenStackConflict...).
 * `operate-session.ts` binds this to the shared typed client's session.
 */
export type OperateService = 'compute' | 'network' | 'volumev3' | 'image';

export interface OperateCloud {
  call<T = any>(service: OperateService, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** The failure type of an error thrown by the client, if it is one. */
export function failureType(e: unknown): string | undefined {
  return (e as { type?: string })?.type;
}

export const isNotFound = (e: unknown) => failureType(e) === 'OpenStackNotFound';
