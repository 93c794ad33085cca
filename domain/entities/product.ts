import { DecimalType, EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { ProductKind, ProductStatus } from '../catalog/products';

/** A catalog product: a VM flavor or a per-unit resource, with its unit prices. */
export class Product {
  id: string = randomUUID();
  kind!: ProductKind;
  name!: string;
  description?: string | null;
  status: ProductStatus = 'active';
  /** Flavor sizing; null for the other kinds. */
  vcpus?: number | null;
  ramMb?: number | null;
  diskGb?: number | null;
  bandwidthMbps?: number | null;
  hourlyPrice!: number;
  monthlyPrice!: number;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  retiredAt?: Date | null;
}

export const ProductSchema = new EntitySchema<Product>({
  class: Product,
  tableName: 'products',
  indexes: [{ properties: ['kind', 'status'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    kind: { type: 'string', length: 16 },
    name: { type: 'string', length: 120, unique: true },
    description: { type: 'string', length: 500, nullable: true },
    status: { type: 'string', length: 16 },
    vcpus: { type: 'integer', nullable: true },
    ramMb: { type: 'integer', nullable: true },
    diskGb: { type: 'integer', nullable: true },
    bandwidthMbps: { type: 'integer', nullable: true },
    hourlyPrice: { type: new DecimalType('number'), precision: 14, scale: 4 },
    monthlyPrice: { type: new DecimalType('number'), precision: 14, scale: 4 },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
    retiredAt: { type: 'datetime', nullable: true },
  },
});
