/**
 * Drift between the platform's records and what OpenStack holds. Pure: the workflow lists both
 * sides and this decides what is missing (recorded, gone from the cloud) and what is unknown (in a
 * tenant's project, not recorded).
 */
export interface TrackedObject {
  resourceId: string;
  kind: string;
  openstackId: string;
  tenantId: string;
  /** When the row was created: rows younger than the listing may not be in it yet. */
  createdAt: string;
}

export interface CloudObject {
  kind: string;
  id: string;
  name: string;
  projectId: string;
  status: string | null;
  /** What the platform keeps of the object (CloudResource.attributes), when it has a view of the kind. */
  attributes?: Record<string, unknown>;
}

export interface DriftReport {
  /** Recorded resources OpenStack no longer lists (to be confirmed one by one before marking). */
  missing: TrackedObject[];
  /** OpenStack objects in tenants' projects the platform has no record of. */
  unknown: Array<CloudObject & { tenantId: string | null }>;
  /** Recorded resources OpenStack lists, with what it reports of them now (to refresh the records). */
  present: Array<{ resourceId: string; kind: string; osStatus: string | null; attributes: Record<string, unknown> }>;
}

/** Kinds the reconciler compares (objects of other kinds are neither marked nor reported). */
export const driftKinds = [
  'server',
  'volume',
  'snapshot',
  'network',
  'subnet',
  'router',
  'floating_ip',
  'security_group',
  'image',
] as const;

/** Objects OpenStack makes on its own and the platform never records (e.g. each project's default security group). */
function isCloudManaged(o: CloudObject): boolean {
  return o.kind === 'security_group' && o.name === 'default';
}

export function diffDrift(
  tracked: TrackedObject[],
  cloud: CloudObject[],
  projectTenants: Record<string, string>,
  listedAt: string,
): DriftReport {
  const seen = new Set(cloud.map((o) => `${o.kind}/${o.id}`));
  const known = new Set(tracked.map((t) => `${t.kind}/${t.openstackId}`));
  const missing = tracked.filter((t) => !seen.has(`${t.kind}/${t.openstackId}`) && t.createdAt < listedAt);
  const unknown = cloud
    .filter((o) => projectTenants[o.projectId] !== undefined && !known.has(`${o.kind}/${o.id}`) && !isCloudManaged(o))
    .map(({ attributes: _attributes, ...o }) => ({ ...o, tenantId: projectTenants[o.projectId] ?? null }));
  const byKey = new Map(cloud.map((o) => [`${o.kind}/${o.id}`, o]));
  const present = tracked.flatMap((t) => {
    const o = byKey.get(`${t.kind}/${t.openstackId}`);
    return o?.attributes
      ? [{ resourceId: t.resourceId, kind: t.kind, osStatus: o.status, attributes: o.attributes }]
      : [];
  });
  return { missing, unknown, present };
}
