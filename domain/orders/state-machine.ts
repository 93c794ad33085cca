export const orderStatuses = [
  'submitted',
  'pending_approval',
  'approved',
  'provisioning',
  'delivered',
  'rejected',
  'cancelled',
  'expired',
  'failed',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  submitted: ['pending_approval', 'approved', 'failed', 'cancelled'],
  pending_approval: ['approved', 'rejected', 'cancelled', 'expired', 'failed'],
  approved: ['provisioning', 'failed'],
  provisioning: ['delivered', 'failed'],
  delivered: [],
  rejected: [],
  cancelled: [],
  expired: [],
  failed: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return transitions[from].includes(to);
}

/** States an order may move to `to` from. */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return orderStatuses.filter((s) => transitions[s].includes(to));
}

export function isTerminal(s: OrderStatus): boolean {
  return transitions[s].length === 0;
}

/** The user may cancel until an operator (or a rule) has approved. */
export function isCancellable(s: OrderStatus): boolean {
  return canTransition(s, 'cancelled');
}

/** Why `action` is refused in state `s`, or null when it is allowed. */
export function refusal(s: OrderStatus, action: 'approve' | 'reject' | 'cancel'): string | null {
  const target: OrderStatus = action === 'approve' ? 'approved' : action === 'reject' ? 'rejected' : 'cancelled';
  if (s === 'pending_approval' || (action === 'cancel' && s === 'submitted'))
    return canTransition(s, target) ? null : `order is ${s}`;
  return `order is ${s}; only an order waiting for approval can be ${target}`;
}

export const itemStatuses = ['pending', 'provisioning', 'delivered', 'failed', 'rolled_back', 'cancelled'] as const;
export type OrderItemStatus = (typeof itemStatuses)[number];
