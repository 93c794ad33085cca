import { createHash } from 'node:crypto';

interface CatalogEntry {
  type: string;
  name: string;
  /** Path after the base URL; `{project_id}` is substituted per token. */
  path: string;
}

/** Every service the simulator publishes, as devstack names them. */
export const catalogEntries: CatalogEntry[] = [
  { type: 'identity', name: 'keystone', path: '/identity/v3' },
  { type: 'compute', name: 'nova', path: '/compute/v2.1' },
  { type: 'network', name: 'neutron', path: '/network' },
  { type: 'volumev3', name: 'cinderv3', path: '/volume/v3/{project_id}' },
  { type: 'block-storage', name: 'cinder', path: '/volume/v3/{project_id}' },
  { type: 'image', name: 'glance', path: '/image' },
  { type: 'load-balancer', name: 'octavia', path: '/load-balancer' },
];

const stableId = (s: string): string => createHash('md5').update(s).digest('hex');

/** The Keystone v3 token `catalog` for a base URL and (optional) project. */
export function buildCatalog(baseUrl: string, region: string, projectId: string | undefined) {
  return catalogEntries.map((e) => {
    const url = baseUrl + e.path.replace('{project_id}', projectId ?? '');
    const endpoints = (['public', 'internal', 'admin'] as const).map((iface) => ({
      id: stableId(`${e.type}/${iface}`),
      interface: iface,
      region,
      region_id: region,
      url: projectId || !e.path.includes('{project_id}') ? url : url.replace(/\/$/, ''),
    }));
    return { id: stableId(e.type), type: e.type, name: e.name, endpoints };
  });
}

/** `/v3/services` and `/v3/endpoints` views of the same catalog. */
export function catalogServices() {
  return catalogEntries.map((e) => ({
    id: stableId(e.type),
    type: e.type,
    name: e.name,
    enabled: true,
    description: '',
  }));
}

export function catalogEndpoints(baseUrl: string, region: string) {
  return catalogEntries.flatMap((e) =>
    (['public', 'internal', 'admin'] as const).map((iface) => ({
      id: stableId(`${e.type}/${iface}`),
      interface: iface,
      region,
      region_id: region,
      service_id: stableId(e.type),
      url: baseUrl + e.path.replace('{project_id}', '$(project_id)s'),
      enabled: true,
    })),
  );
}
