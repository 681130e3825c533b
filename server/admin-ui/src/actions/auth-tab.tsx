import { AuthFields } from '../components/auth-fields';
import type { TabProps } from './endpoint-tab';
import { ConnectionAuthNote, useConnections } from '../connections/connection-picker';

/** Authentication: none, bearer, basic, header or body; secrets write-only. */
export function AuthTab({ draft, set, issues }: TabProps) {
  const connections = useConnections().data?.connections ?? [];
  if (draft.connectionId) return <ConnectionAuthNote connection={connections.find((c) => c.id === draft.connectionId) ?? null} />;
  return <AuthFields value={draft.auth} onChange={(auth) => set({ auth })} issues={issues} />;
}
