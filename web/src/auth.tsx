// One sign-in for the three faces: who the caller is, and which faces and pages his permissions open.
import { createContext, useContext } from 'react';
import type { Me } from './api/types';

export interface Session {
  me: Me;
  can: (...perms: string[]) => boolean;
  signOut: () => Promise<void>;
  reloadMe: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}
