export { registrationWorkflow } from './registration';
export { pageOnCallWorkflow } from './page';
