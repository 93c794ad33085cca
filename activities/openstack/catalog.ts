import type { Interface } from './config';
import { EndpointNotFoundError } from './errors';
import { serviceTypeAliases, type ServiceType } from './service-types';

export interface CatalogEndpoint {
  id?: string;
  interface: string;
  region?: string | null;
  region_id?: string | null;
  url: string;
}

export interface CatalogService {
  id?: string;
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/**
 * The URL of `service` in a Keystone v3 catalog for the region and interface; aliases
 * (`volumev3`, `block-store`...) are tried in the order service-types-authority lists them.
 */
export function findEndpoint(
  catalog: CatalogService[],
  service: ServiceType,
  iface: Interface,
  region?: string,
): string {
  for (const type of serviceTypeAliases[service]) {
    for (const entry of catalog.filter((c) => c.type === type)) {
      const ep = entry.endpoints.find(
        (e) => e.interface === iface && (!region || e.region_id === region || e.region === region),
      );
      if (ep) return ep.url.replace(/\/+$/, '');
    }
  }
  const have = catalog.map(
    (c) => `${c.type}(${c.endpoints.map((e) => `${e.interface}@${e.region_id ?? e.region ?? '-'}`).join(',')})`,
  );
  throw new EndpointNotFoundError(
    `no ${iface} endpoint for ${service}${region ? ` in region ${region}` : ''} in the catalog: ${have.join(' ') || 'empty'}`,
  );
}

/**
 * The versioned base URL requests of a service are relative to: catalogs publish Nova and
 * Cinder with their version (`/v2.1`, `/v3/<project>`) but Neutron, Glance and Octavia bare.
 */
export function versionedBase(service: ServiceType, endpoint: string): string {
  const url = endpoint.replace(/\/+$/, '');
  const tail = new URL(url).pathname;
  switch (service) {
    case 'compute':
      return /\/v2(\.1)?(\/[^/]+)?$/.test(tail) ? url : `${url}/v2.1`;
    case 'block-storage':
      return /\/v3(\/[^/]+)?$/.test(tail) ? url : `${url}/v3`;
    case 'identity':
      return /\/v3$/.test(tail) ? url : `${url}/v3`;
    case 'network':
      return /\/v2\.0$/.test(tail) ? url : `${url}/v2.0`;
    case 'image':
      return /\/v2$/.test(tail) ? url : `${url}/v2`;
    case 'load-balancer':
      return /\/v2(\.0)?$/.test(tail) ? url : `${url}/v2`;
    default:
      return url;
  }
}
