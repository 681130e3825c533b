import type { ReactNode } from 'react';
import { ImportWizard } from '../imports/import-wizard';
import { McpPage } from '../mcp/mcp-page';
import { ConnectionEditor } from './connection-editor';
import { ConnectionsPage } from './connections-page';

/** The pages of the connections, imports and mcp sections (kept out of the shared pages switch). */
export function connectionPage(section: string, id: string | undefined): ReactNode {
  if (section === 'imports') return <ImportWizard />;
  if (section === 'mcp') return <McpPage />;
  if (id === 'new') return <ConnectionEditor key="new" id={null} />;
  return id ? <ConnectionEditor key={id} id={decodeURIComponent(id)} /> : <ConnectionsPage />;
}
