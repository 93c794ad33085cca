// Hash routes: #/<face>/<page>[/<id>] (the API serves one page at /; no server route per screen).
import { useEffect, useState } from 'react';

export interface Route {
  face: string;
  page: string;
  id?: string;
}

export function parseRoute(hash = location.hash): Route {
  const [face = '', page = '', id] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { face, page, id };
}

export function href(face: string, page: string, id?: string): string {
  return `#/${face}/${page}${id ? `/${encodeURIComponent(id)}` : ''}`;
}

export function go(face: string, page: string, id?: string) {
  location.hash = href(face, page, id);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parseRoute());
  useEffect(() => {
    const on = () => setRoute(parseRoute());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
