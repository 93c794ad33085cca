import { EntitySchema } from '@mikro-orm/core';

/** A platform-wide setting that admins change at run time (e.g. whether registration needs approval). */
export class SystemSetting {
  key!: string;
  value!: unknown;
  updatedAt: Date = new Date();
}

export const SystemSettingSchema = new EntitySchema<SystemSetting>({
  class: SystemSetting,
  tableName: 'system_settings',
  properties: {
    key: { type: 'string', length: 80, primary: true },
    value: { type: 'json' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
