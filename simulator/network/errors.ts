import { neutronError, type SimHttpError } from '../core/errors';

/** Neutron's own exception types and messages (neutron-lib `exceptions`). */
export const notFound = (kind: string, id: string): SimHttpError => {
  const messages: Record<string, string> = {
    Network: `Network ${id} could not be found.`,
    Subnet: `Subnet ${id} could not be found.`,
    Port: `Port ${id} could not be found.`,
    Router: `Router ${id} could not be found.`,
    FloatingIP: `Floating IP ${id} could not be found`,
    SecurityGroup: `Security group ${id} does not exist`,
    SecurityGroupRule: `Security group rule ${id} does not exist`,
    QosPolicy: `QoS policy ${id} could not be found.`,
    QosRule: `QoS rule ${id} could not be found.`,
    SubnetPool: `Subnet pool ${id} could not be found.`,
  };
  return neutronError(404, `${kind}NotFound`, messages[kind] ?? `${kind} ${id} could not be found.`);
};

/** webob's HTTPNotFound, which Neutron answers to hide a network a port may not be put on (an external one of another project). */
export const resourceNotFound = (): SimHttpError =>
  neutronError(404, 'HTTPNotFound', 'The resource could not be found.');

/** Body validation failures come back as webob's HTTPBadRequest. */
export const badRequest = (message: string): SimHttpError => neutronError(400, 'HTTPBadRequest', message);

export const invalidInput = (message: string): SimHttpError =>
  neutronError(400, 'InvalidInput', `Invalid input for operation: ${message}.`);

export const badResourceRequest = (resource: string, message: string): SimHttpError =>
  neutronError(400, 'BadRequest', `Bad ${resource} request: ${message}.`);

export const overQuota = (resource: string): SimHttpError =>
  neutronError(409, 'OverQuota', `Quota exceeded for resources: ['${resource}'].`);

export const ipGenerationFailure = (networkId: string): SimHttpError =>
  neutronError(409, 'IpAddressGenerationFailure', `No more IP addresses available on network ${networkId}.`);

export const ipAlreadyAllocated = (ip: string, subnetId: string): SimHttpError =>
  neutronError(409, 'IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnetId}`);

export const forbidden = (message: string): SimHttpError => neutronError(403, 'HTTPForbidden', message);
