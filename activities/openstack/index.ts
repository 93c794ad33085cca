/**
 * The OpenStack boundary's entry point: the session (`session.ts`), the typed module of each
 * service over it (`OpenStackClient`), the scopes the platform acts in (`openCloud`: admin or a
 * tenant's project) and the one failure taxonomy (`errors.ts`).
 */
export * from './block-storage';
export * from './client';
export * from './cloud';
export * from './compute';
export * from './config';
export * from './errors';
export * from './identity';
export * from './image';
export * from './load-balancer';
export * from './logger';
export * from './network';
export * from './paging';
export * from './service-types';
export * from './session';
export * from './token-cache';
export { findEndpoint, versionedBase } from './catalog';
export { redact } from './redact';
