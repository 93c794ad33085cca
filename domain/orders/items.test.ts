import type { PricedProduct, ProductKind } from '../catalog/products';
import { itemPrice, itemQuotaNeeds, productKindsOf, type SiteItemSpec } from './items';

const product = (kind: ProductKind, monthlyPrice: number): PricedProduct => ({
  id: `${kind}-id`,
  kind,
  name: kind,
  status: 'active',
  hourlyPrice: monthlyPrice / 720,
  monthlyPrice,
});

const shared: SiteItemSpec = { kind: 'site', name: 'blog', siteId: 's1', diskMb: 100, phpVersion: '8.2' };
const dedicated: SiteItemSpec = {
  ...shared,
  tier: 'dedicated',
  dedicated: {
    servers: 3,
    flavorId: 'f',
    imageId: 'i',
    volumeGb: 20,
    connectionLimit: 100,
    bandwidthMbps: 10,
    backup: { intervalHours: 24, keep: 7 },
  },
};
const products = {
  site: product('site', 5),
  flavor: product('flavor', 30),
  volume: product('volume', 0.1),
  loadBalancer: product('load_balancer', 12),
  floatingIp: product('floating_ip', 3),
  bandwidth: product('bandwidth', 0.5),
};

describe('site items', () => {
  it('a shared site is the site product alone and holds no cloud quota', () => {
    expect(productKindsOf(shared)).toEqual(['site']);
    expect(itemPrice(shared, products).monthly).toBe(5);
    expect(Object.values(itemQuotaNeeds(shared)).every((n) => n === 0)).toBe(true);
  });

  it('a dedicated site is priced by each part: site, servers, volume, load balancer, address and bandwidth', () => {
    expect(productKindsOf(dedicated)).toEqual([
      'site',
      'flavor',
      'volume',
      'load_balancer',
      'floating_ip',
      'bandwidth',
    ]);
    // 5 + 3 × 30 + 20 × 0.1 + 12 + 3 + 3 × 10 × 0.5
    expect(itemPrice(dedicated, products).monthly).toBe(5 + 90 + 2 + 12 + 3 + 15);
    const noBandwidth = { ...dedicated, dedicated: { ...dedicated.dedicated!, bandwidthMbps: null } };
    expect(productKindsOf(noBandwidth)).not.toContain('bandwidth');
  });

  it("a dedicated site holds its servers' cores and memory, one volume and one floating IP of quota", () => {
    const need = itemQuotaNeeds(dedicated, { vcpus: 2, ramMb: 2048, diskGb: 10, bandwidthMbps: 0 } as never);
    expect(need).toMatchObject({ instances: 3, vcpus: 6, ramMb: 6144, volumes: 1, gigabytes: 20, floatingIps: 1 });
    expect(() => itemQuotaNeeds(dedicated)).toThrow('needs its flavor');
  });
});
