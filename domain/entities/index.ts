import { AuditEntrySchema } from './audit-entry';
import { CloudResourceSchema } from './cloud-resource';
import { DriftFindingSchema } from './drift-finding';
import { InboxMessageSchema } from './inbox-message';
import { NotificationRecordSchema } from './notification-record';
import { OnCallContactSchema } from './oncall-contact';
import { RefreshTokenSchema } from './refresh-token';
import { RoleAssignmentSchema } from './role-assignment';
import { SystemSettingSchema } from './system-setting';
import { TenantSchema } from './tenant';
import { UserSchema } from './user';
import { ScalingDecisionSchema } from './scaling-decision';
import { ScalingGroupSchema } from './scaling-group';
import { ScalingMemberSchema } from './scaling-member';
import { ScalingPolicySchema } from './scaling-policy';
import { HaEvacuationSchema } from './ha-evacuation';
import { HaHostSchema } from './ha-host';
import { HaMigrationSchema } from './ha-migration';
import { SchedulingPolicyRecordSchema } from './scheduling-policy';
import { OrderItemSchema, OrderSchema } from './order';
import { ProductSchema } from './product';
import { QuotaDefaultSchema } from './quota-default';
import { QuotaReservationSchema } from './quota-reservation';
import { TenantQuotaSchema } from './tenant-quota';
import { AlarmRuleSchema } from './alarm-rule';
import { AlarmEventSchema, AlarmSchema } from './alarm';
import { StaffMessageSchema } from './staff-message';
import { PasswordResetTokenSchema } from './password-reset-token';
import { CaptchaChallengeSchema } from './captcha-challenge';
import { ProcessHeartbeatSchema } from './process-heartbeat';
import { ReportSchema } from './report';
import { UsageIntervalSchema } from './usage-interval';
import { PeriodPriceSchema, PricePlanSchema } from './price-plan';
import { ChargeSchema, RatingCursorSchema } from './charge';
import { BillLineSchema, BillSchema } from './bill';
import { RateLimitCounterSchema } from './rate-limit-counter';
import { SiteHostSchema } from './site-host';
import { SiteSchema } from './site';
import { SiteFtpAccountSchema } from './site-ftp-account';
import { DatabaseBackupSchema, TenantDatabaseSchema } from './tenant-database';
import { OrderIdempotencyKeySchema } from './order-idempotency-key';
import { AppEnvironmentSchema } from './app-environment';

export * from './audit-entry';
export * from './cloud-resource';
export * from './drift-finding';
export * from './inbox-message';
export * from './notification-record';
export * from './oncall-contact';
export * from './refresh-token';
export * from './role-assignment';
export * from './system-setting';
export * from './tenant';
export * from './user';
export * from './scaling-decision';
export * from './scaling-group';
export * from './scaling-member';
export * from './scaling-policy';
export * from './ha-evacuation';
export * from './ha-host';
export * from './ha-migration';
export * from './scheduling-policy';
export * from './order';
export * from './product';
export * from './quota-default';
export * from './quota-reservation';
export * from './tenant-quota';
export * from './alarm-rule';
export * from './alarm';
export * from './staff-message';
export * from './password-reset-token';
export * from './captcha-challenge';
export * from './process-heartbeat';
export * from './report';
export * from './usage-interval';
export * from './price-plan';
export * from './charge';
export * from './bill';
export * from './rate-limit-counter';
export * from './site-host';
export * from './site';
export * from './site-ftp-account';
export * from './tenant-database';
export * from './order-idempotency-key';
export * from './app-environment';

/** Every entity schema the ORM knows; a capability adds its own here with its migration. */
export const entitySchemas = [
  TenantSchema,
  UserSchema,
  RoleAssignmentSchema,
  RefreshTokenSchema,
  AuditEntrySchema,
  SystemSettingSchema,
  CloudResourceSchema,
  DriftFindingSchema,
  ScalingGroupSchema,
  ScalingMemberSchema,
  ScalingPolicySchema,
  ScalingDecisionSchema,
  HaHostSchema,
  HaEvacuationSchema,
  HaMigrationSchema,
  SchedulingPolicyRecordSchema,
  ProductSchema,
  TenantQuotaSchema,
  QuotaDefaultSchema,
  QuotaReservationSchema,
  OrderSchema,
  OrderItemSchema,
  OnCallContactSchema,
  NotificationRecordSchema,
  InboxMessageSchema,
  AlarmRuleSchema,
  AlarmSchema,
  AlarmEventSchema,
  StaffMessageSchema,
  PasswordResetTokenSchema,
  CaptchaChallengeSchema,
  ProcessHeartbeatSchema,
  ReportSchema,
  UsageIntervalSchema,
  PricePlanSchema,
  PeriodPriceSchema,
  ChargeSchema,
  RatingCursorSchema,
  BillSchema,
  BillLineSchema,
  RateLimitCounterSchema,
  SiteHostSchema,
  SiteSchema,
  SiteFtpAccountSchema,
  TenantDatabaseSchema,
  DatabaseBackupSchema,
  OrderIdempotencyKeySchema,
  AppEnvironmentSchema,
];
