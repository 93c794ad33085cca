import { ApplicationFailure } from '@temporalio/common';

/** Failure types a workflow can branch on. */
export const notifyFailureTypes = {
  permanent: 'NotifyPermanentFailure',
  transient: 'NotifyTransientFailure',
} as const;

/** A provider refused or could not take a message; `permanent` says whether trying again can help. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Temporal retries transient failures with the workflow's policy and stops at permanent ones. */
export function toActivityFailure(e: DeliveryError): ApplicationFailure {
  return ApplicationFailure.create({
    message: e.message,
    type: e.permanent ? notifyFailureTypes.permanent : notifyFailureTypes.transient,
    nonRetryable: e.permanent,
  });
}

export function asDeliveryError(e: unknown): DeliveryError {
  if (e instanceof DeliveryError) return e;
  return new DeliveryError(e instanceof Error ? e.message : String(e), false);
}
