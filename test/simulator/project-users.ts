import type { RunningSimulator } from '../../simulator/server';
import { login } from './sim-client';

/** Creates project `name` with a `member` user `<name>-user` and returns its id and a scoped token. */
export async function memberProject(
  sim: RunningSimulator,
  name: string,
): Promise<{ projectId: string; token: string }> {
  const identity = sim.cloud.service('identity');
  const project = identity.createProject({ name });
  const user = identity.createUser({ name: `${name}-user`, password: 'pw', defaultProjectId: project.id });
  identity.assignProjectRole(project.id, user.id, identity.findRole('member')!.id);
  return { projectId: project.id, token: await login(sim.url, `${name}-user`, 'pw', name) };
}
