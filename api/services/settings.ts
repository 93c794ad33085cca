import type { EntityManager } from '@mikro-orm/core';
import { SystemSetting } from '../../domain/entities';
import type { Config } from '../../config';

/** Run-time settings admins change through the API, with their defaults from the configuration. */
export interface Settings {
  registrationRequiresApproval: boolean;
}

export function defaultSettings(config: Config): Settings {
  return { registrationRequiresApproval: config.REGISTRATION_REQUIRES_APPROVAL };
}

export async function readSettings(em: EntityManager, config: Config): Promise<Settings> {
  const rows = await em.find(SystemSetting, {});
  const stored = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  return { ...defaultSettings(config), ...stored } as Settings;
}

export async function writeSettings(em: EntityManager, changes: Partial<Settings>): Promise<void> {
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const row = (await em.findOne(SystemSetting, { key })) ?? em.create(SystemSetting, { key, value, updatedAt: new Date() });
    row.value = value;
    row.updatedAt = new Date();
    em.persist(row);
  }
  await em.flush();
}
