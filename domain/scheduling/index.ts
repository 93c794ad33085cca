export * from './types';
export * from './capacity';
export * from './select-host';
export * from './evacuation-order';
export * from './failure-detection';
export * from './rebalance-plan';
