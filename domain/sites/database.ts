/** The name of a site's database on the database service (unique per site within its tenant). */
export const siteDatabaseName = (siteId: string) => `site_${siteId.replace(/-/g, '').slice(0, 12)}`;
