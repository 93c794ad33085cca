import { DecimalType, EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { SealedJsonType } from '../secrets/sealed-json-type';
import type { OrderItemSpec, OrderItemKind } from '../orders/items';
import type { OrderItemStatus, OrderStatus } from '../orders/state-machine';

/** Why an order or item failed, as the user and operators see it. */
export interface OrderFailure {
  step: string;
  type?: string | null;
  message: string;
  itemId?: string | null;
}

export class Order {
  id: string = randomUUID();
  tenantId!: string;
  /** Who submitted it. */
  userId!: string;
  status: OrderStatus = 'submitted';
  note?: string | null;
  hourlyPrice!: number;
  monthlyPrice!: number;
  decidedBy?: string | null;
  decisionReason?: string | null;
  decidedAt?: Date | null;
  failure?: OrderFailure | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  closedAt?: Date | null;
}

export class OrderItem {
  id: string = randomUUID();
  orderId!: string;
  position!: number;
  kind!: OrderItemKind;
  spec!: OrderItemSpec;
  /** Catalog products the item was priced with. */
  productIds: string[] = [];
  hourlyPrice!: number;
  monthlyPrice!: number;
  status: OrderItemStatus = 'pending';
  failure?: OrderFailure | null;
  /** OpenStack ids of what provisioning created (server, port, volumes, floating IP...). */
  resources: Record<string, unknown> = {};
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

const money = () => ({ type: new DecimalType('number'), precision: 14, scale: 4 });

export const OrderSchema = new EntitySchema<Order>({
  class: Order,
  tableName: 'orders',
  indexes: [{ properties: ['tenantId', 'createdAt'] }, { properties: ['status'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    tenantId: { type: 'string', length: 36 },
    userId: { type: 'string', length: 36 },
    status: { type: 'string', length: 20 },
    note: { type: 'string', length: 500, nullable: true },
    hourlyPrice: money(),
    monthlyPrice: money(),
    decidedBy: { type: 'string', length: 64, nullable: true },
    decisionReason: { type: 'string', length: 500, nullable: true },
    decidedAt: { type: 'datetime', nullable: true },
    failure: { type: 'json', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
    closedAt: { type: 'datetime', nullable: true },
  },
});

export const OrderItemSchema = new EntitySchema<OrderItem>({
  class: OrderItem,
  tableName: 'order_items',
  indexes: [{ properties: ['orderId', 'position'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    orderId: { type: 'string', length: 36 },
    position: { type: 'integer' },
    kind: { type: 'string', length: 16 },
    spec: { type: new SealedJsonType() },
    productIds: { type: 'json' },
    hourlyPrice: money(),
    monthlyPrice: money(),
    status: { type: 'string', length: 16 },
    failure: { type: 'json', nullable: true },
    resources: { type: 'json' },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
