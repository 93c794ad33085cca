import { DefaultFailureConverter } from '@temporalio/common';

/**
 * The failure converter of every client, worker and workflow bundle: a failure's message and stack trace are
 * moved into its encoded attributes, a payload, so the payload codec seals them as it seals every other payload
 * (Temporal's history and UI then show "Encoded failure" instead of an error text that may name a secret).
 * Loaded by path (`failureConverterPath`) so the workflow sandbox uses it too.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
