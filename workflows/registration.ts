import {
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { RegistrationActivities } from '../activities/db/registration';
import { failureOfError } from './order-settle';
import { retryPresets } from './retry-presets';

export interface RegistrationInput {
  userId: string;
  tenantId: string;
  email: string;
  /** A registration nobody decided on is refused after this long. */
  expiresInMs: number;
}

export interface RegistrationDecision {
  approved: boolean;
  by: string;
  byEmail?: string;
  reason?: string;
}

export type RegistrationStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';

export interface RegistrationState {
  userId: string;
  tenantId: string;
  email: string;
  status: RegistrationStatus;
  requestedAt: string;
  expiresAt: string;
  decidedAt?: string;
  decidedBy?: string;
  reason?: string;
  /** Why the decision is not stored yet (it is retried until it is). */
  failure?: string;
}

export const registrationWorkflowId = (userId: string) => `registration-${userId}`;
export const decideRegistrationSignal = defineSignal<[RegistrationDecision]>('decide');
export const registrationStateQuery = defineQuery<RegistrationState>('state');

const { activateRegistration, refuseRegistration } = proxyActivities<RegistrationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: retryPresets.orchestration,
});
/** The failure envelope: histories from before it replay without it. */
export const registrationEnvelopePatch = 'registration-failure-envelope';
/** First try of a decision under the envelope: bounded, so a failure shows in the state before it is tried again. */
const firstTry = proxyActivities<RegistrationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
});

/** `registration-<userId>`: waits for an operator's decision, then activates or refuses the account. */
export async function registrationWorkflow(input: RegistrationInput): Promise<RegistrationState> {
  const now = Date.now();
  const state: RegistrationState = {
    userId: input.userId,
    tenantId: input.tenantId,
    email: input.email,
    status: 'pending',
    requestedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + input.expiresInMs).toISOString(),
  };
  let decision: RegistrationDecision | undefined;
  setHandler(decideRegistrationSignal, (d) => {
    if (decision) return;
    decision = d;
    // Visible to the next query at once, so a second approver is told it is decided (409).
    state.decidedBy = d.by;
  });
  setHandler(registrationStateQuery, () => state);

  const envelope = patched(registrationEnvelopePatch);
  let outcome: RegistrationStatus | undefined;
  let cancelled: string | undefined;
  const change = () => ({
    userId: input.userId,
    tenantId: input.tenantId,
    decidedBy: decision?.by ?? null,
    decidedByEmail: decision?.byEmail ?? null,
    reason: decision?.reason ?? cancelled ?? null,
  });
  const store = async (db: Pick<RegistrationActivities, 'activateRegistration' | 'refuseRegistration'>) => {
    if (outcome === 'approved') await db.activateRegistration(change());
    else await db.refuseRegistration({ ...change(), outcome: outcome as 'rejected' | 'expired' | 'cancelled' });
  };
  const finished = () => {
    state.status = outcome!;
    state.decidedAt = new Date().toISOString();
    state.decidedBy = decision?.by;
    state.reason = decision?.reason ?? cancelled ?? (outcome === 'expired' ? 'no decision before expiry' : undefined);
    delete state.failure;
    return state;
  };
  if (!envelope) {
    const decided = await condition(() => decision !== undefined, input.expiresInMs);
    outcome = !decided ? 'expired' : decision!.approved ? 'approved' : 'rejected';
    await store({ activateRegistration, refuseRegistration });
    return finished();
  }
  try {
    const decided = await condition(() => decision !== undefined, input.expiresInMs);
    outcome = !decided ? 'expired' : decision!.approved ? 'approved' : 'rejected';
    await store(firstTry);
    return finished();
  } catch (err) {
    // Cancelled while waiting: the account is refused with the cause, not left pending with nobody to decide it.
    // A decision taken (or the expiry reached) is stored whatever happens, the failure shown while it is retried.
    return CancellationScope.nonCancellable(async () => {
      const cause = isCancellation(err)
        ? 'the registration process was cancelled'
        : failureOfError(err, 'decide').message;
      if (outcome === undefined) [outcome, cancelled, decision] = ['cancelled', cause, undefined];
      else state.failure = cause;
      await store({ activateRegistration, refuseRegistration });
      return finished();
    });
  }
}
