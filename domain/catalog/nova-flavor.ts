import type { FlavorSpec } from './products';

/** A catalog flavor's Nova flavor is named by its sizing, so a resized product boots the new size. */
export const flavorSizingName = (f: Pick<FlavorSpec, 'vcpus' | 'ramMb' | 'diskGb'>): string =>
  `${f.vcpus}c-${f.ramMb}m-${f.diskGb}g`;

/** The Nova flavor's full name (provisioning prefixes the platform's `cmp-`). */
export const novaFlavorName = (f: Pick<FlavorSpec, 'vcpus' | 'ramMb' | 'diskGb'>): string =>
  `cmp-${flavorSizingName(f)}`;
