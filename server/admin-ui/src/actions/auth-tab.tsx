import { AuthFields } from '../components/auth-fields';
import type { TabProps } from './endpoint-tab';

/** Authentication: none, bearer, basic, header or body; secrets write-only. */
export function AuthTab({ draft, set, issues }: TabProps) {
  return <AuthFields value={draft.auth} onChange={(auth) => set({ auth })} issues={issues} />;
}
