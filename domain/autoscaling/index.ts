export * from './adjustment';
export * from './cooldown';
export * from './policy';
export * from './quota-headroom';
export * from './reconcile';
export * from './settings';
export * from './victims';
