import { ActionEditor } from './actions/action-editor';
import { ActionsPage } from './actions/actions-page';
import { AuditPage } from './audit/audit-page';
import { CallsPage } from './conversations/calls-page';
import { ConversationDetail } from './conversations/conversation-detail';
import { ConversationsPage } from './conversations/conversations-page';
import { PlaygroundPage } from './playground/playground-page';
import { ScenariosPage } from './scenarios/scenarios-page';
import { SettingsPage } from './settings/settings-page';
import { UserDataPage } from './user-data/user-data-page';
import { connectionPage } from './connections/routes';

/** The page of a route; keyed by route so each page starts fresh. */
export function Page({ route }: { route: string }) {
  const [section, id] = route.split('/');
  switch (section) {
    case '':
    case 'actions':
      if (id === 'new') return <ActionEditor key="new" id={null} />;
      return id ? <ActionEditor key={id} id={decodeURIComponent(id)} /> : <ActionsPage />;
    case 'user-data':
      return <UserDataPage />;
    case 'settings':
      return <SettingsPage />;
    case 'conversations':
      return id ? <ConversationDetail id={decodeURIComponent(id)} /> : <ConversationsPage />;
    case 'calls':
      return <CallsPage />;
    case 'playground':
      return <PlaygroundPage />;
    case 'scenarios':
      return <ScenariosPage />;
    case 'audit':
      return <AuditPage />;
    // Connections, the OpenAPI import and MCP: their own routes module.
    case 'connections':
    case 'imports':
    case 'mcp':
      return connectionPage(section, id);
    default:
      return (
        <div>
          <h1>Page not found</h1>
          <p>There is nothing at this address.</p>
        </div>
      );
  }
}
