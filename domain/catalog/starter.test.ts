import { starterCatalog } from './starter';

describe('the starter catalog', () => {
  it('prices each usable cloud flavor by its sizing and adds volume, floating IP, network, bandwidth, load balancer and site products', () => {
    const products = starterCatalog([
      { name: 'm1.small', vcpus: 1, ramMb: 2048, diskGb: 20 },
      { name: 'bad name!', vcpus: 1, ramMb: 512, diskGb: 1 },
      { name: 'm1.zero', vcpus: 0, ramMb: 512, diskGb: 1 },
    ]);
    expect(products.map((p) => [p.kind, p.name])).toEqual([
      ['flavor', 'm1.small'],
      ['volume', 'volume-standard'],
      ['floating_ip', 'public-ip'],
      ['network', 'private-network'],
      ['bandwidth', 'bandwidth-mbps'],
      ['load_balancer', 'load-balancer'],
      ['site', 'shared-site'],
    ]);
    expect(products[0]).toMatchObject({ vcpus: 1, ramMb: 2048, diskGb: 20, monthlyPrice: 22, hourlyPrice: 0.0306 });
    expect(products.every((p) => p.hourlyPrice >= 0 && p.monthlyPrice >= 0)).toBe(true);
  });
});
