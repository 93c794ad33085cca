import { Hono } from 'hono';
import type { AuthEnv } from '../../core/auth-context';

/** The Cinder API extensions the simulator serves: [alias, name, what it adds]. */
const served: Array<[string, string, string]> = [
  ['os-vol-tenant-attr', 'VolumeTenantAttribute', 'The owning project of a volume (show and detail).'],
  ['os-vol-host-attr', 'VolumeHostAttribute', 'The backend host of a volume (admins).'],
  ['os-vol-mig-status-attr', 'VolumeMigStatusAttribute', 'The migration status of a volume (admins).'],
  ['os-vol-image-meta', 'VolumeImageMetadata', 'The image metadata of a volume made from an image.'],
  ['os-extended-snapshot-attributes', 'ExtendedSnapshotAttributes', 'The progress and project of a snapshot.'],
  ['os-volume-actions', 'VolumeActions', 'Attach, detach, reserve, extend and other volume actions.'],
  ['os-admin-actions', 'AdminActions', 'Status resets and forced deletes (admins).'],
  ['os-quota-sets', 'Quotas', 'Per-project quotas.'],
  ['os-availability-zone', 'AvailabilityZones', 'The availability zones.'],
  ['os-used-limits', 'UsedLimits', 'Used resources in the absolute limits.'],
];

/** `GET /v3/{project_id}/extensions`. */
export function extensionRoutes(): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const extensions = served.map(([alias, name, description]) => ({
    alias,
    name,
    description,
    links: [],
    updated: '2011-01-01T00:00:00+00:00',
  }));
  app.get('/v3/:project/extensions', (c) => c.json({ extensions }));
  return app;
}
