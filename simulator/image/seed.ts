import type { ImageService } from './service';

/** Public images of a fresh cloud, as devstack uploads them. */
export function seedImages(svc: ImageService, adminProjectId: string): void {
  if ([...svc.images.values()].some((i) => i.name === 'cirros-0.6.2-x86_64-disk')) return;
  const admin = { projectId: adminProjectId, isAdmin: true };
  const seeds = [
    {
      name: 'cirros-0.6.2-x86_64-disk',
      size: 21430272,
      min_disk: 0,
      min_ram: 0,
      props: { os_distro: 'cirros', os_version: '0.6.2', hw_rng_model: 'virtio' },
    },
    {
      name: 'ubuntu-24.04',
      size: 600834048,
      min_disk: 10,
      min_ram: 512,
      props: { os_distro: 'ubuntu', os_version: '24.04', os_type: 'linux' },
    },
  ];
  for (const s of seeds) {
    const img = svc.create(admin, {
      name: s.name,
      visibility: 'public',
      container_format: 'bare',
      disk_format: 'qcow2',
      min_disk: s.min_disk,
      min_ram: s.min_ram,
      ...s.props,
    });
    svc.upload(admin, img.id, Buffer.from(s.name));
    img.size = s.size;
    img.virtual_size = s.size * 5;
  }
}
