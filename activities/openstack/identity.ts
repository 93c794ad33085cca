import { listAll } from './paging';
import type { Session, Query } from './session';

const enc = encodeURIComponent;

export interface Project {
  id: string;
  name: string;
  domain_id: string;
  description?: string;
  enabled: boolean;
  is_domain?: boolean;
  parent_id?: string | null;
  tags?: string[];
  [option: string]: unknown;
}

export interface User {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  email?: string;
  description?: string;
  default_project_id?: string;
  password_expires_at?: string | null;
}

export interface Role {
  id: string;
  name: string;
  domain_id?: string | null;
}

export interface RoleAssignment {
  role: { id: string; name?: string };
  user?: { id: string; name?: string };
  group?: { id: string; name?: string };
  scope: {
    project?: { id: string; name?: string };
    domain?: { id: string; name?: string };
    system?: Record<string, unknown>;
  };
  links?: { assignment: string };
}

/** Keystone v3 (paths relative to `<endpoint>/v3`). */
export class IdentityApi {
  constructor(private readonly s: Session) {}

  listProjects(query?: Query): Promise<Project[]> {
    return listAll<Project>(this.s, 'identity', '/projects', 'projects', { query });
  }
  async findProject(name: string, domainId?: string): Promise<Project | undefined> {
    return (await this.listProjects({ name, domain_id: domainId }))[0];
  }
  async createProject(project: {
    name: string;
    domain_id?: string;
    description?: string;
    enabled?: boolean;
    parent_id?: string;
    tags?: string[];
  }): Promise<Project> {
    return (await this.s.post<{ project: Project }>('identity', '/projects', { project })).project;
  }
  deleteProject(id: string): Promise<void> {
    return this.s.delete('identity', `/projects/${enc(id)}`);
  }

  listUsers(query?: Query): Promise<User[]> {
    return listAll<User>(this.s, 'identity', '/users', 'users', { query });
  }
  async createUser(user: {
    name: string;
    password?: string;
    domain_id?: string;
    default_project_id?: string;
    email?: string;
    description?: string;
    enabled?: boolean;
  }): Promise<User> {
    return (await this.s.post<{ user: User }>('identity', '/users', { user })).user;
  }
  deleteUser(id: string): Promise<void> {
    return this.s.delete('identity', `/users/${enc(id)}`);
  }

  listRoles(query?: Query): Promise<Role[]> {
    return listAll<Role>(this.s, 'identity', '/roles', 'roles', { query });
  }
  async findRole(name: string): Promise<Role | undefined> {
    return (await this.listRoles({ name }))[0];
  }
  /** `PUT /projects/{p}/users/{u}/roles/{r}` (idempotent in Keystone). */
  async assignProjectRole(projectId: string, userId: string, roleId: string): Promise<void> {
    await this.s.put('identity', `/projects/${enc(projectId)}/users/${enc(userId)}/roles/${enc(roleId)}`);
  }
  async listRoleAssignments(query?: {
    'user.id'?: string;
    'scope.project.id'?: string;
    'role.id'?: string;
    effective?: boolean;
    include_names?: boolean;
  }): Promise<RoleAssignment[]> {
    const q: Query = {
      ...query,
      effective: query?.effective ? '' : undefined,
      include_names: query?.include_names ? 'true' : undefined,
    };
    return (await this.s.get<{ role_assignments: RoleAssignment[] }>('identity', '/role_assignments', { query: q }))
      .role_assignments;
  }
}
