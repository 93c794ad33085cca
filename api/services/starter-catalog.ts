import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { starterCatalog } from '../../domain/catalog/starter';
import { Product } from '../../domain/entities';

/**
 * On a platform's first start (no product ever made, retired ones included) seeds the starter catalog
 * from the cloud's public flavors. Answers how many products it made (0 on every later start).
 */
export async function ensureStarterCatalog(
  em: EntityManager,
  listFlavors: () => Promise<
    Array<{ name: string; vcpus: number; ram: number; disk: number; 'os-flavor-access:is_public'?: boolean }>
  >,
): Promise<number> {
  if (await em.count(Product, {})) return 0;
  const flavors = (await listFlavors())
    .filter((f) => f['os-flavor-access:is_public'] !== false)
    .map((f) => ({ name: f.name, vcpus: f.vcpus, ramMb: f.ram, diskGb: f.disk }));
  const products = starterCatalog(flavors).map((s) => Object.assign(new Product(), s));
  em.persist(products);
  try {
    await em.flush();
  } catch (e) {
    // Another API process of the same first start seeded it (the flush is one transaction).
    if (e instanceof UniqueConstraintViolationException) return 0;
    throw e;
  }
  return products.length;
}
