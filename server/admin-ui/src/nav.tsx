import { href, onLinkClick } from './router';

const ITEMS: { route: string; label: string; match: string[] }[] = [
  { route: 'actions', label: 'Actions', match: ['', 'actions'] },
  { route: 'connections', label: 'Connections', match: ['connections', 'imports'] },
  { route: 'user-data', label: 'User Data API', match: ['user-data'] },
  { route: 'settings', label: 'Settings', match: ['settings'] },
  { route: 'conversations', label: 'Conversations', match: ['conversations', 'calls'] },
  { route: 'playground', label: 'Playground', match: ['playground'] },
  { route: 'scenarios', label: 'Scenarios', match: ['scenarios'] },
  { route: 'audit', label: 'Audit log', match: ['audit'] },
  { route: 'mcp', label: 'MCP', match: ['mcp'] },
];

/** The main navigation; the current section is marked for screen readers too. */
export function Nav({ route }: { route: string }) {
  const section = route.split('/')[0] ?? '';
  return (
    <nav className="side-nav" aria-label="Main">
      <ul>
        {ITEMS.map((i) => {
          const current = i.match.includes(section);
          return (
            <li key={i.route}>
              <a href={href(i.route)} onClick={onLinkClick(i.route)} aria-current={current ? 'page' : undefined} className={current ? 'current' : undefined}>
                {i.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
