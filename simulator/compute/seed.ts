import type { SimOptions } from '../core/options';
import type { Flavor } from './model';

/** devstack's default flavors plus the cirros-sized ones tempest uses. */
export function defaultFlavors(): Flavor[] {
  const f = (id: string, name: string, vcpus: number, ram: number, disk: number): Flavor => ({
    id,
    name,
    vcpus,
    ram,
    disk,
    ephemeral: 0,
    swap: 0,
    rxtxFactor: 1.0,
    isPublic: true,
    disabled: false,
    description: null,
    extraSpecs: {},
  });
  return [
    f('1', 'm1.tiny', 1, 512, 1),
    f('2', 'm1.small', 1, 2048, 20),
    f('3', 'm1.medium', 2, 4096, 40),
    f('4', 'm1.large', 4, 8192, 80),
    f('5', 'm1.xlarge', 8, 16384, 160),
    f('42', 'm1.nano', 1, 128, 1),
    f('84', 'm1.micro', 1, 192, 1),
  ];
}

/** Nova's default quota (nova.conf [quota]); options.computeQuota overrides. */
export function defaultQuota(o: SimOptions): Record<string, number> {
  return {
    instances: 10,
    cores: 20,
    ram: 51200,
    metadata_items: 128,
    key_pairs: 100,
    server_groups: 10,
    server_group_members: 10,
    injected_files: 5,
    injected_file_content_bytes: 10240,
    injected_file_path_bytes: 255,
    ...(o.computeQuota as Record<string, number>),
  };
}

export const hostName = (i: number, total: number): string => `compute-${String(i).padStart(total > 99 ? 4 : 2, '0')}`;
