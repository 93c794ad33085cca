import type { Orm } from '../../domain/db/orm';
import { SystemSetting } from '../../domain/entities';

/**
 * A string setting admins change at run time (`PUT /api/v1/settings`, audited) that overrides the
 * configuration: the alarm server addresses (`alertmanagerUrl`, `nscaAddress`). Null or absent keeps `fallback`.
 */
export async function runtimeSetting(
  orm: Orm,
  key: 'alertmanagerUrl' | 'nscaAddress',
  fallback: string | undefined,
): Promise<string | undefined> {
  const row = await orm.em.fork().findOne(SystemSetting, { key });
  return typeof row?.value === 'string' && row.value ? row.value : fallback;
}
