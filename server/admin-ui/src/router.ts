import { useEffect, useState, type MouseEvent } from 'react';

/** The page lives under /admin/ (Vite `base`); routes are the rest of the path. */
const BASE = '/admin/';

function current(): string {
  const p = window.location.pathname;
  return p.startsWith(BASE) ? p.slice(BASE.length).replace(/\/+$/, '') : '';
}

const listeners = new Set<() => void>();

/** A page with unsaved edits: asked before any in-app navigation away from it. */
export interface LeaveGuard {
  /** True while leaving would lose edits. */
  blocks(): boolean;
  /** What would be lost, in words ("your changes to lookup_order"). */
  what: string;
}

/** A navigation waiting for the admin to confirm leaving unsaved edits. */
export interface PendingLeave {
  what: string;
  proceed(): void;
  stay(): void;
}

let guard: LeaveGuard | null = null;
let pending: PendingLeave | null = null;
const pendingListeners = new Set<(p: PendingLeave | null) => void>();
/** The URL the page shows, to put back when a back/forward step is held for confirmation. */
let shownUrl = typeof window === 'undefined' ? '' : window.location.pathname;

function setPending(p: PendingLeave | null): void {
  pending = p;
  for (const l of pendingListeners) l(p);
}

/** Sets (or with null clears) the guard of the page on screen; returns a clean-up for effects. */
export function setLeaveGuard(g: LeaveGuard | null): () => void {
  guard = g;
  return () => {
    if (guard === g) guard = null;
  };
}

/**
 * Runs `leave` now when nothing unsaved would be lost, else once the admin confirms. Used by
 * navigation and by anything else that drops the page (signing out).
 */
export function confirmLeave(leave: () => void): void {
  if (!guard?.blocks()) {
    leave();
    return;
  }
  const what = guard.what;
  setPending({
    what,
    proceed: () => {
      setPending(null);
      guard = null;
      leave();
    },
    stay: () => setPending(null),
  });
}

/** The navigation waiting for confirmation, if any. */
export function usePendingLeave(): PendingLeave | null {
  const [p, setP] = useState<PendingLeave | null>(pending);
  useEffect(() => {
    pendingListeners.add(setP);
    return () => {
      pendingListeners.delete(setP);
    };
  }, []);
  return p;
}

function go(url: string, replace: boolean): void {
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  shownUrl = url;
  for (const l of listeners) l();
}

/**
 * Goes to a route such as `actions/new` without reloading; asks first when the page has
 * unsaved edits. `force` skips the question (the edits were just saved or deleted).
 */
export function navigate(route: string, opts: { replace?: boolean; force?: boolean } = {}): void {
  const url = BASE + route.replace(/^\/+/, '');
  if (opts.force) go(url, opts.replace ?? false);
  else confirmLeave(() => go(url, opts.replace ?? false));
}

/** The current route, re-rendering on navigation and on back/forward. */
export function useRoute(): string {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    const onPop = () => {
      const target = window.location.pathname;
      if (guard?.blocks()) {
        // The browser already moved: show the edited page's URL again until the admin decides.
        window.history.pushState(null, '', shownUrl);
        confirmLeave(() => go(target, false));
        return;
      }
      shownUrl = target;
      update();
    };
    listeners.add(update);
    window.addEventListener('popstate', onPop);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', onPop);
    };
  }, []);
  return route;
}

/**
 * Registers the page's unsaved state: in-app navigation asks first, and closing or reloading
 * the tab gets the browser's own "leave site?" prompt.
 */
export function useLeaveGuard(dirty: boolean, what: string): void {
  useEffect(() => {
    if (!dirty) return undefined;
    const clear = setLeaveGuard({ blocks: () => true, what });
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older Chromium needs returnValue set to show the prompt.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    return () => {
      clear();
      window.removeEventListener('beforeunload', onUnload);
    };
  }, [dirty, what]);
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
