export { registrationWorkflow } from './registration';
export { pageOnCallWorkflow } from './page';
export { autoscaleWorkflow } from './autoscale';
