import { statusFromState } from './state-map';

describe('statusFromState (nova/api/openstack/common.py)', () => {
  it.each([
    ['building', null, 'BUILD'],
    ['building', 'spawning', 'BUILD'],
    ['active', null, 'ACTIVE'],
    ['active', 'rebooting', 'REBOOT'],
    ['active', 'rebooting_hard', 'HARD_REBOOT'],
    ['active', 'updating_password', 'PASSWORD'],
    ['active', 'migrating', 'MIGRATING'],
    ['active', 'resize_prep', 'RESIZE'],
    ['active', 'rebuilding', 'REBUILD'],
    ['active', 'deleting', 'ACTIVE'],
    ['active', 'powering-off', 'ACTIVE'],
    ['stopped', null, 'SHUTOFF'],
    ['stopped', 'resize_migrating', 'RESIZE'],
    ['resized', null, 'VERIFY_RESIZE'],
    ['resized', 'resize_reverting', 'REVERT_RESIZE'],
    ['paused', null, 'PAUSED'],
    ['paused', 'migrating', 'MIGRATING'],
    ['suspended', null, 'SUSPENDED'],
    ['rescued', null, 'RESCUE'],
    ['error', null, 'ERROR'],
    ['error', 'rebuilding', 'REBUILD'],
    ['deleted', null, 'DELETED'],
    ['soft-delete', null, 'SOFT_DELETED'],
    ['shelved_offloaded', null, 'SHELVED_OFFLOADED'],
    ['nonsense', null, 'UNKNOWN'],
  ])('%s / %s → %s', (vm, task, status) => {
    expect(statusFromState(vm, task)).toBe(status);
  });
});
