/** The OpenStack services the platform calls, by their official service type. */
export type ServiceType =
  'identity' | 'compute' | 'network' | 'block-storage' | 'image' | 'load-balancer' | 'placement';

/** Catalog types and old names each service is published under (service-types-authority aliases). */
export const serviceTypeAliases: Record<ServiceType, readonly string[]> = {
  identity: ['identity'],
  compute: ['compute'],
  network: ['network'],
  'block-storage': ['block-storage', 'volumev3', 'volumev2', 'volume', 'block-store'],
  image: ['image'],
  'load-balancer': ['load-balancer'],
  placement: ['placement'],
};

/** `volumev3`, `volume`, `block_storage` → `block-storage`; unknown names → undefined. */
export function canonicalServiceType(name: string): ServiceType | undefined {
  const n = name.toLowerCase().replace(/_/g, '-');
  for (const [type, aliases] of Object.entries(serviceTypeAliases)) {
    if (aliases.includes(n)) return type as ServiceType;
  }
  return undefined;
}

/** The service name in `OpenStack-API-Version` headers, for the microversioned services. */
export const microversionHeaderName: Partial<Record<ServiceType, string>> = {
  compute: 'compute',
  'block-storage': 'volume',
  placement: 'placement',
  identity: undefined,
};
