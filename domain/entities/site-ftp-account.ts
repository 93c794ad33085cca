import { EntitySchema } from '@mikro-orm/core';
import { SealedJsonType } from '../secrets/sealed-json-type';

/**
 * A site's FTP account on its shared host (a pure-ftpd virtual user chrooted to the code space). The password
 * is sealed at rest and answered only by the call that sets a new one.
 */
export class SiteFtpAccount {
  /** The site's id: one account per site. */
  siteId!: string;
  tenantId!: string;
  hostId!: string;
  username!: string;
  port!: number;
  /** Sealed at rest (SealedJsonType): `{ password }`. */
  credentials!: { password: string };
  createdAt: Date = new Date();
  passwordChangedAt: Date = new Date();
}

export const SiteFtpAccountSchema = new EntitySchema<SiteFtpAccount>({
  class: SiteFtpAccount,
  tableName: 'site_ftp_accounts',
  indexes: [{ properties: ['tenantId'] }],
  properties: {
    siteId: { type: 'string', length: 36, primary: true },
    tenantId: { type: 'string', length: 36 },
    hostId: { type: 'string', length: 36 },
    username: { type: 'string', length: 32 },
    port: { type: 'integer' },
    credentials: { type: new SealedJsonType() },
    createdAt: { type: 'datetime' },
    passwordChangedAt: { type: 'datetime' },
  },
});
