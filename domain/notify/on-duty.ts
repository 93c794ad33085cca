import type { DutyWindow, Severity } from './types';
import { severities } from './types';

export interface DutyFacts {
  active: boolean;
  onDuty: boolean;
  dutyWindow?: DutyWindow | null;
  minSeverity: Severity;
}

export function severityAtLeast(severity: Severity, min: Severity): boolean {
  return severities.indexOf(severity) >= severities.indexOf(min);
}

/** Is `at` (UTC) inside the weekly window? A window whose `toHour` is not after `fromHour` wraps past midnight into the next day. */
export function inDutyWindow(window: DutyWindow, at: Date): boolean {
  const day = at.getUTCDay();
  const hour = at.getUTCHours();
  if (window.fromHour < window.toHour)
    return window.days.includes(day) && hour >= window.fromHour && hour < window.toHour;
  if (hour >= window.fromHour) return window.days.includes(day);
  return hour < window.toHour && window.days.includes((day + 6) % 7);
}

/** Should this contact be paged for a page of `severity` at `at`? */
export function isPageable(c: DutyFacts, severity: Severity, at: Date): boolean {
  if (!c.active || !c.onDuty) return false;
  if (!severityAtLeast(severity, c.minSeverity)) return false;
  return !c.dutyWindow || inDutyWindow(c.dutyWindow, at);
}
