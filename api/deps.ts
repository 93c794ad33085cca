import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { OpenStackClient } from '../activities/openstack';
import type { SitesSettings } from '../activities/sites/settings';
import type { Config } from '../config';
import type { Orm } from '../domain/db/orm';
import type { Principal } from '../domain/rbac/principal';
import type { TaskQueues } from '../domain/task-queues';

/** What the API needs from the outside world; tests build it with real parts on loopback. */
export interface AppDeps {
  config: Config;
  orm: Orm;
  temporal: Client;
  logger: Logger;
  /** HMAC key of access tokens. */
  authSecret: string;
  queues: TaskQueues;
  /** The service account in its admin scope, reading the objects tenants name (ownership, visibility) to resolve their ids; without it such requests answer 503. */
  cloud?: OpenStackClient;
  /** Shared web hosting (hosts' agents, package limit); without it site uploads answer 503. */
  sites?: SitesSettings;
}

/** What a handler tells the audit middleware about the request. */
export interface AuditNote {
  action?: string;
  targetType?: string;
  targetId?: string;
  tenantId?: string | null;
  actorEmail?: string;
  details?: Record<string, unknown>;
}

export type AppEnv = {
  Variables: {
    requestId: string;
    deps: AppDeps;
    em: EntityManager;
    principal?: Principal;
    sessionId?: string;
    audit: AuditNote;
  };
};

export type Ctx = import('hono').Context<AppEnv, any>;
