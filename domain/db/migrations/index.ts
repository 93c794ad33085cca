import type { MigrationObject } from '@mikro-orm/core';
import { Migration0001IdentityAndAudit } from './0001-identity-and-audit';
import { Migration0002Notifications } from './0002-notifications';
import { Migration0003CloudResources } from './0003-cloud-resources';
import { Migration0006Ha } from './0006-ha';
import { Migration0007Autoscaling } from './0007-autoscaling';
import { Migration0004CatalogOrders } from './0004-catalog-orders';
import { Migration0005Operate } from './0005-operate';
import { Migration0008SessionLimits } from './0008-session-limits';
import { Migration20261201183000Monitoring } from './20261201183000-monitoring';
import { Migration20261201190000BackOffice } from './20261201190000-back-office';
import { Migration20261201214500Reports } from './20261201214500-reports';
import { Migration20261201215500Billing } from './20261201215500-billing';
import { Migration20261201213000SessionFamilies } from './20261201213000-session-families';
import { Migration20261202013000Sites } from './20261202013000-sites';
import { Migration20261202011500Dbservice } from './20261202011500-dbservice';
import { Migration20261202043000OrderIdempotency } from './20261202043000-order-idempotency';
import { Migration20261202061000OrderIdempotencyClaims } from './20261202061000-order-idempotency-claims';
import { Migration20261203073000SiteHealth } from './20261203073000-site-health';
import { Migration20261202044000SiteFtp } from './20261202044000-site-ftp';
import { Migration20261202044500ListIndexes } from './20261202044500-list-indexes';
import { Migration20261202055500SiteCleanupFailure } from './20261202055500-site-cleanup-failure';

/** Checked-in migrations, applied in this order on SQLite and MySQL/MariaDB alike. */
export const migrationsList: MigrationObject[] = [
  { name: '0001-identity-and-audit', class: Migration0001IdentityAndAudit },
  { name: '0002-notifications', class: Migration0002Notifications },
  { name: '0003-cloud-resources', class: Migration0003CloudResources },
  { name: '0006-ha', class: Migration0006Ha },
  { name: '0007-autoscaling', class: Migration0007Autoscaling },
  { name: '0004-catalog-orders', class: Migration0004CatalogOrders },
  { name: '0005-operate', class: Migration0005Operate },
  { name: '0008-session-limits', class: Migration0008SessionLimits },
  { name: '20261201183000-monitoring', class: Migration20261201183000Monitoring },
  { name: '20261201190000-back-office', class: Migration20261201190000BackOffice },
  { name: '20261201215500-billing', class: Migration20261201215500Billing },
  { name: '20261201213000-session-families', class: Migration20261201213000SessionFamilies },
  { name: '20261201214500-reports', class: Migration20261201214500Reports },
  { name: '20261202011500-dbservice', class: Migration20261202011500Dbservice },
  { name: '20261202013000-sites', class: Migration20261202013000Sites },
  { name: '20261202043000-order-idempotency', class: Migration20261202043000OrderIdempotency },
  { name: '20261202044500-list-indexes', class: Migration20261202044500ListIndexes },
  { name: '20261202044000-site-ftp', class: Migration20261202044000SiteFtp },
  { name: '20261202055500-site-cleanup-failure', class: Migration20261202055500SiteCleanupFailure },
  { name: '20261202061000-order-idempotency-claims', class: Migration20261202061000OrderIdempotencyClaims },
  { name: '20261203073000-site-health', class: Migration20261203073000SiteHealth },
];
