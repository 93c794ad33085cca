export { registrationWorkflow } from './registration';
export { pageOnCallWorkflow } from './page';
export { autoscaleWorkflow } from './autoscale';
export { isolationWorkflow } from './isolation';
export { migrateWorkflow } from './migrate';
export { drainHostWorkflow, enableHostWorkflow } from './drain-host';
export { evacuateWorkflow } from './evacuate';
export { hostSweepWorkflow } from './host-sweep';
export { rebalanceWorkflow } from './rebalance';
