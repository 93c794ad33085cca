import type { Caller } from './model';
import { createNetwork } from './networks';
import type { NetworkStore } from './store';
import { createSubnet } from './subnets';

/** The networks every fresh cloud has: external `public` and the shared provider network `provider`. */
export function seedNetworks(store: NetworkStore, adminProjectId: string): void {
  if ([...store.networks.values()].some((n) => n.name === 'public')) return;
  const admin: Caller = { projectId: adminProjectId, isAdmin: true };
  const pub = createNetwork(store, admin, {
    network: {
      name: 'public',
      'router:external': true,
      'provider:network_type': 'flat',
      'provider:physical_network': 'public',
      mtu: 1500,
    },
  });
  createSubnet(store, admin, {
    subnet: {
      name: 'public-subnet',
      network_id: pub.id,
      ip_version: 4,
      cidr: '203.0.113.0/24',
      gateway_ip: '203.0.113.1',
      allocation_pools: [{ start: '203.0.113.10', end: '203.0.113.250' }],
      enable_dhcp: false,
    },
  });
  const provider = createNetwork(store, admin, {
    network: {
      name: 'provider',
      shared: true,
      'provider:network_type': 'flat',
      'provider:physical_network': 'provider',
      mtu: 1500,
    },
  });
  createSubnet(store, admin, {
    subnet: {
      name: 'provider-subnet',
      network_id: provider.id,
      ip_version: 4,
      cidr: '192.0.2.0/24',
      gateway_ip: '192.0.2.1',
      allocation_pools: [{ start: '192.0.2.10', end: '192.0.2.250' }],
      dns_nameservers: ['192.0.2.1'],
    },
  });
}
