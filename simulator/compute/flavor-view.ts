import type { Flavor } from './model';
import type { ComputeContext } from './microversion';
import { resourceLinks } from './links';

/** A flavor as GET /flavors/{id} shows it at the negotiated microversion. */
export function flavorView(c: ComputeContext, f: Flavor) {
  const mv = c.get('mv');
  return {
    id: f.id,
    name: f.name,
    ram: f.ram,
    disk: f.disk,
    vcpus: f.vcpus,
    swap: f.swap === 0 ? '' : f.swap,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral,
    'OS-FLV-DISABLED:disabled': f.disabled,
    'os-flavor-access:is_public': f.isPublic,
    rxtx_factor: f.rxtxFactor,
    links: resourceLinks(c, 'flavors', f.id),
    ...(mv >= 55 ? { description: f.description } : {}),
    ...(mv >= 61 ? { extra_specs: { ...f.extraSpecs } } : {}),
  };
}

/** The `flavor` member of a server: a link before 2.47, the embedded copy from 2.47. */
export function serverFlavorView(c: ComputeContext, f: Flavor) {
  if (c.get('mv') < 47) return { id: f.id, links: resourceLinks(c, 'flavors', f.id).slice(1) };
  return {
    vcpus: f.vcpus,
    ram: f.ram,
    disk: f.disk,
    ephemeral: f.ephemeral,
    swap: f.swap,
    original_name: f.name,
    extra_specs: { ...f.extraSpecs },
  };
}
