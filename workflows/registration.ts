import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { RegistrationActivities } from '../activities/db/registration';
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

export type RegistrationStatus = 'pending' | 'approved' | 'rejected' | 'expired';

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
}

export const registrationWorkflowId = (userId: string) => `registration-${userId}`;
export const decideRegistrationSignal = defineSignal<[RegistrationDecision]>('decide');
export const registrationStateQuery = defineQuery<RegistrationState>('state');

const { activateRegistration, refuseRegistration } = proxyActivities<RegistrationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: retryPresets.orchestration,
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

  const decided = await condition(() => decision !== undefined, input.expiresInMs);
  const outcome: RegistrationStatus = !decided ? 'expired' : decision!.approved ? 'approved' : 'rejected';
  const change = {
    userId: input.userId,
    tenantId: input.tenantId,
    decidedBy: decision?.by ?? null,
    decidedByEmail: decision?.byEmail ?? null,
    reason: decision?.reason ?? null,
  };
  if (outcome === 'approved') await activateRegistration(change);
  else await refuseRegistration({ ...change, outcome });

  state.status = outcome;
  state.decidedAt = new Date().toISOString();
  state.decidedBy = decision?.by;
  state.reason = decision?.reason ?? (outcome === 'expired' ? 'no decision before expiry' : undefined);
  return state;
}
