import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { QuotaDefault, SystemSetting } from '../../domain/entities';
import {
  builtinQuotaDefaults,
  quotaResources,
  type QuotaAmounts,
  type QuotaResource,
} from '../../domain/quota/resources';
import { setPlatformDefaults } from '../../activities/db/quota-store';
import type { Orm } from '../../domain/db/orm';
import type { Config } from '../../config';
import { billingPeriodKinds } from '../../domain/billing/period';
import { profileFields } from '../../domain/identity/profile';

/** How a setting's value is typed, for the portal to render it. */
export type SettingType =
  'boolean' | 'integer' | 'number' | 'string' | 'url' | 'hostPort' | 'enum' | 'enumList' | 'quotaLimits';

interface SettingDef<S extends z.ZodTypeAny> {
  type: SettingType;
  schema: S;
  nullable?: boolean;
  enum?: readonly string[];
  unit?: string;
  description: string;
  default(config: Config): z.output<S>;
}

const def = <S extends z.ZodTypeAny>(d: SettingDef<S>) => d;
const limit = z.number().int().min(-1);
const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

/** Every run-time setting: its type, validation, default (from the configuration) and meaning. */
export const settingDefs = {
  registrationRequiresApproval: def({
    type: 'boolean',
    schema: z.boolean(),
    description: 'New registrations wait for an operator to approve them',
    default: (c) => c.REGISTRATION_REQUIRES_APPROVAL,
  }),
  captchaEnabled: def({
    type: 'boolean',
    schema: z.boolean(),
    description: 'Login and registration require a captcha (GET /api/v1/auth/captcha)',
    default: () => false,
  }),
  captchaTtlSeconds: def({
    type: 'integer',
    unit: 'seconds',
    schema: seconds(30, 3600),
    description: 'How long a captcha can be answered',
    default: () => 300,
  }),
  passwordResetTtlSeconds: def({
    type: 'integer',
    unit: 'seconds',
    schema: seconds(300, 7 * 86400),
    description: 'How long a password reset link works (once)',
    default: () => 3600,
  }),
  tenantQuotaDefaults: def({
    type: 'quotaLimits',
    schema: z
      .object(
        Object.fromEntries(quotaResources.map((r) => [r, limit.optional()])) as Record<
          QuotaResource,
          z.ZodOptional<typeof limit>
        >,
      )
      .strict(),
    description: 'Quota limits of tenants without their own (-1 = unlimited); the same as /api/v1/quotas/defaults',
    default: () => ({ ...builtinQuotaDefaults }),
  }),
  alertmanagerUrl: def({
    type: 'url',
    nullable: true,
    schema: z.string().url().max(500).nullable(),
    description: 'Alarm server: the Alertmanager alerts are sent to and silences kept in',
    default: (c) => c.ALERTMANAGER_URL ?? null,
  }),
  nscaAddress: def({
    type: 'hostPort',
    nullable: true,
    schema: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,253}:\d{1,5}$/, 'must be host:port')
      .nullable(),
    description: 'Alarm server: host:port of the NSCA daemon passive check results go to',
    default: (c) => c.NSCA_ADDRESS ?? null,
  }),
  orderAutoApproveTrusted: def({
    type: 'boolean',
    schema: z.boolean(),
    description: 'Orders of trusted tenants are approved automatically',
    default: (c) => c.ORDER_AUTO_APPROVE_TRUSTED,
  }),
  orderAutoApproveMaxMonthly: def({
    type: 'number',
    nullable: true,
    schema: z.number().min(0).nullable(),
    description: 'Orders below this monthly price are approved automatically (null: no price rule)',
    default: (c) => c.ORDER_AUTO_APPROVE_MAX_MONTHLY ?? null,
  }),
  orderReminderSeconds: def({
    type: 'integer',
    unit: 'seconds',
    schema: seconds(1, 30 * 86400),
    description: 'Operators are reminded of an order waiting this long',
    default: (c) => c.ORDER_REMINDER_SECONDS,
  }),
  orderExpirySeconds: def({
    type: 'integer',
    unit: 'seconds',
    schema: seconds(1, 365 * 86400),
    description: 'An undecided order expires (its quota released) after this',
    default: (c) => c.ORDER_EXPIRY_SECONDS,
  }),
  pricePlanPeriod: def({
    type: 'enum',
    enum: billingPeriodKinds,
    schema: z.enum(billingPeriodKinds),
    description:
      "Billing period: a bill's length, and the period a tenant's unit price stays fixed for (a price change applies from the next one); a change applies from the next month not yet rated",
    default: (c) => c.BILLING_PERIOD,
  }),
  profileRequiredFields: def({
    type: 'enumList',
    enum: profileFields,
    schema: z
      .array(z.enum(profileFields))
      .max(profileFields.length)
      .refine((a) => new Set(a).size === a.length, 'each field once'),
    description:
      'Profile fields every user must fill (GET /api/v1/auth/me answers the ones he has not; clearing one is refused)',
    default: () => [],
  }),
};

export type SettingKey = keyof typeof settingDefs;
export type Settings = { [K in SettingKey]: z.output<(typeof settingDefs)[K]['schema']> } & {
  tenantQuotaDefaults: QuotaAmounts;
};
export const settingKeys = Object.keys(settingDefs) as SettingKey[];

/** The PATCH body: any subset of the settings, each validated by its own type. */
export const settingsPatch = z
  .object(
    Object.fromEntries(settingKeys.map((k) => [k, settingDefs[k].schema.optional()])) as {
      [K in SettingKey]: z.ZodOptional<(typeof settingDefs)[K]['schema']>;
    },
  )
  .strict();
export type SettingsPatch = z.output<typeof settingsPatch>;

export function defaultSettings(config: Config): Settings {
  return Object.fromEntries(settingKeys.map((k) => [k, settingDefs[k].default(config)])) as Settings;
}

async function quotaDefaults(em: EntityManager): Promise<QuotaAmounts> {
  const out = { ...builtinQuotaDefaults };
  for (const row of await em.find(QuotaDefault, {}))
    if ((quotaResources as readonly string[]).includes(row.resource)) out[row.resource] = row.limit;
  return out;
}

/** The value column is JSON NOT NULL: a setting set to null is stored as this marker. */
const storedNull = { $null: true };
const encode = (v: unknown) => (v === null ? storedNull : v);
const decode = (v: unknown) =>
  typeof v === 'object' && v !== null && (v as { $null?: unknown }).$null === true ? null : v;

/** The settings in force: stored values over the configuration's defaults (a stored value of a bad type is ignored). */
export async function readSettings(em: EntityManager, config: Config): Promise<Settings> {
  const out = defaultSettings(config) as Record<string, unknown>;
  for (const row of await em.find(SystemSetting, {})) {
    const d = settingDefs[row.key as SettingKey];
    const value = decode(row.value);
    if (d && row.key !== 'tenantQuotaDefaults' && d.schema.safeParse(value).success) out[row.key] = value;
  }
  out.tenantQuotaDefaults = await quotaDefaults(em);
  return out as Settings;
}

export interface SettingView {
  type: SettingType;
  value: unknown;
  default: unknown;
  nullable: boolean;
  enum?: readonly string[];
  unit?: string;
  description: string;
  updatedAt: string | null;
}

/** Each setting with its type, value, default and description. */
export async function describeSettings(em: EntityManager, config: Config): Promise<Record<SettingKey, SettingView>> {
  const values = await readSettings(em, config);
  const defaults = defaultSettings(config);
  const stamps = new Map((await em.find(SystemSetting, {})).map((r) => [r.key, r.updatedAt.toISOString()]));
  return Object.fromEntries(
    settingKeys.map((k) => {
      const d = settingDefs[k] as SettingDef<z.ZodTypeAny>;
      const view: SettingView = {
        type: d.type,
        value: values[k],
        default: defaults[k],
        nullable: d.nullable ?? false,
        description: d.description,
        updatedAt: stamps.get(k) ?? null,
      };
      if (d.enum) view.enum = d.enum;
      if (d.unit) view.unit = d.unit;
      return [k, view];
    }),
  ) as Record<SettingKey, SettingView>;
}

/** Stores the changes (quota defaults where quotas keep them) and answers what changed, from what to what, for the audit log. */
export async function writeSettings(
  em: EntityManager,
  orm: Orm,
  config: Config,
  changes: SettingsPatch,
): Promise<Record<string, { from: unknown; to: unknown }>> {
  const before = await readSettings(em, config);
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of settingKeys) {
    const value = changes[key];
    if (value === undefined) continue;
    if (key === 'tenantQuotaDefaults') {
      await setPlatformDefaults(orm, value as Partial<QuotaAmounts>);
      changed[key] = { from: before[key], to: { ...before[key], ...(value as Partial<QuotaAmounts>) } };
      continue;
    }
    const row =
      (await em.findOne(SystemSetting, { key })) ??
      em.create(SystemSetting, { key, value: encode(value), updatedAt: new Date() });
    row.value = encode(value);
    row.updatedAt = new Date();
    em.persist(row);
    changed[key] = { from: before[key], to: value };
  }
  await em.flush();
  return changed;
}
