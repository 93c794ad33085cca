/** The name of a site's database on the database service (unique per site within its tenant). */
export const siteDatabaseName = (siteId: string) => `site_${siteId.replace(/-/g, '').slice(0, 12)}`;
/** The database a site's dedicated copy gets when it migrates from the shared tier (the shared one stays for the window). */
export const dedicatedDatabaseName = (siteId: string) => `${siteDatabaseName(siteId)}_d`;
