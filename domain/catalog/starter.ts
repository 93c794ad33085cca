import type { ProductKind } from './products';

/** A product the starter catalog offers. */
export interface StarterProduct {
  kind: ProductKind;
  name: string;
  description: string;
  hourlyPrice: number;
  monthlyPrice: number;
  vcpus?: number;
  ramMb?: number;
  diskGb?: number;
}

/** Example unit prices of the starter catalog (per month; an hour is a 720th, rounded up to 4 places). */
export const starterPrices = {
  perVcpu: 10,
  perGbRam: 5,
  perGbDisk: 0.1,
  volumePerGb: 0.1,
  floatingIp: 3,
  network: 0,
  bandwidthPerMbps: 0.5,
  loadBalancer: 15,
  sharedSite: 5,
};

const hourly = (monthly: number) => Math.ceil((monthly / 720) * 10_000) / 10_000;
const money = (n: number) => Math.round(n * 100) / 100;

/**
 * What a fresh platform on the embedded cloud sells at once: one flavor product per public flavor of the
 * cloud (its sizing, an example price from it), a volume product per GB, a floating IP, a private network, bandwidth
 * per Mbit/s, a (small) load balancer and a shared-hosting site.
 */
export function starterCatalog(
  flavors: Array<{ name: string; vcpus: number; ramMb: number; diskGb: number }>,
): StarterProduct[] {
  const sized = flavors
    .filter((f) => /^[A-Za-z0-9._-]{1,120}$/.test(f.name) && f.vcpus >= 1 && f.ramMb >= 64)
    .map((f): StarterProduct => {
      const monthly = money(
        f.vcpus * starterPrices.perVcpu +
          (f.ramMb / 1024) * starterPrices.perGbRam +
          f.diskGb * starterPrices.perGbDisk,
      );
      return {
        kind: 'flavor',
        name: f.name,
        description: `${f.vcpus} vCPU, ${f.ramMb} MB RAM, ${f.diskGb} GB disk`,
        hourlyPrice: hourly(monthly),
        monthlyPrice: monthly,
        vcpus: f.vcpus,
        ramMb: f.ramMb,
        diskGb: f.diskGb,
      };
    });
  return [
    ...sized,
    {
      kind: 'volume',
      name: 'volume-standard',
      description: 'block storage, priced per GB',
      hourlyPrice: hourly(starterPrices.volumePerGb),
      monthlyPrice: starterPrices.volumePerGb,
    },
    {
      kind: 'floating_ip',
      name: 'public-ip',
      description: 'a public (floating) IP address',
      hourlyPrice: hourly(starterPrices.floatingIp),
      monthlyPrice: starterPrices.floatingIp,
    },
    {
      kind: 'network',
      name: 'private-network',
      description: 'a private network with its subnet',
      hourlyPrice: 0,
      monthlyPrice: starterPrices.network,
    },
    {
      kind: 'bandwidth',
      name: 'bandwidth-mbps',
      description: 'a bandwidth limit, priced per Mbit/s of the higher of egress and ingress',
      hourlyPrice: hourly(starterPrices.bandwidthPerMbps),
      monthlyPrice: starterPrices.bandwidthPerMbps,
    },
    {
      kind: 'load_balancer',
      name: 'load-balancer',
      description: 'a small load balancer (medium counts 2, large 4)',
      hourlyPrice: hourly(starterPrices.loadBalancer),
      monthlyPrice: starterPrices.loadBalancer,
    },
    {
      kind: 'site',
      name: 'shared-site',
      description: 'a site on the shared web hosting tier (code space, PHP, optional MySQL database)',
      hourlyPrice: hourly(starterPrices.sharedSite),
      monthlyPrice: starterPrices.sharedSite,
    },
  ];
}
