import { useEffect, useState, type MouseEvent } from 'react';

/** The page lives under /admin/ (Vite `base`); routes are the rest of the path. */
const BASE = '/admin/';

function current(): string {
  const p = window.location.pathname;
  return p.startsWith(BASE) ? p.slice(BASE.length).replace(/\/+$/, '') : '';
}

const listeners = new Set<() => void>();

/** Goes to a route such as `actions/new` without reloading. */
export function navigate(route: string, opts: { replace?: boolean } = {}): void {
  const url = BASE + route.replace(/^\/+/, '');
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const l of listeners) l();
}

/** The current route, re-rendering on navigation and on back/forward. */
export function useRoute(): string {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** The href of a route, for real links (open in new tab keeps working). */
export function href(route: string): string {
  return BASE + route;
}

/** Click handler for an in-app link: plain clicks navigate in place, modified clicks open normally. */
export function onLinkClick(route: string) {
  return (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(route);
  };
}
