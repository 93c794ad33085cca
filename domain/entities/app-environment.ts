import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type {
  AppEnvironmentPhpVersion,
  AppEnvironmentStatus,
  AppEnvironmentWebServer,
} from '../sites/app-environments';

/**
 * One version of an application environment template (operators' data). Immutable but for its status: a change is a
 * new version of the same name; a retired version is no longer offered but stays for the sites that run it.
 */
export class AppEnvironment {
  id: string = randomUUID();
  name!: string;
  /** 1, 2, ... per name, in the order the versions were made. */
  version!: number;
  webServer: AppEnvironmentWebServer = 'nginx';
  phpVersion!: AppEnvironmentPhpVersion;
  phpModules: string[] = [];
  ftp: boolean = true;
  description?: string | null;
  status: AppEnvironmentStatus = 'active';
  createdAt: Date = new Date();
  /** The staff user who made this version (null for the seeded default). */
  createdBy?: string | null;
  retiredAt?: Date | null;
  retiredBy?: string | null;
}

export const AppEnvironmentSchema = new EntitySchema<AppEnvironment>({
  class: AppEnvironment,
  tableName: 'app_environments',
  uniques: [{ properties: ['name', 'version'] }],
  indexes: [{ properties: ['status'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    name: { type: 'string', length: 48 },
    version: { type: 'integer' },
    webServer: { type: 'string', length: 8 },
    phpVersion: { type: 'string', length: 8 },
    phpModules: { type: 'json' },
    ftp: { type: 'boolean' },
    description: { type: 'string', length: 500, nullable: true },
    status: { type: 'string', length: 8 },
    createdAt: { type: 'datetime' },
    createdBy: { type: 'string', length: 36, nullable: true },
    retiredAt: { type: 'datetime', nullable: true },
    retiredBy: { type: 'string', length: 36, nullable: true },
  },
});
