import { useApi } from '../api/context';
import { useLoad, type Loaded } from '../use-load';
import type { Connection } from './connection-draft';

/** The tenant's connections, for pickers. */
export function useConnections(): Loaded<{ connections: Connection[] }> {
  const api = useApi();
  return useLoad(() => api.get<{ connections: Connection[] }>('/v1/connections'), []);
}

/** A full URL's path (placeholders kept as typed; `new URL` would escape the braces). */
export function pathOf(url: string): string {
  const rest = url.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  return rest.startsWith('/') ? rest : `/${rest}`;
}
