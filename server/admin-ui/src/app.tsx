import { useEffect, useMemo, useRef, useState } from 'react';
import { createApi } from './api/client';
import { ApiProvider } from './api/context';
import { clearToken, loadToken, saveToken } from './auth/token-store';
import { SignIn } from './auth/sign-in';
import { LeaveDialog } from './leave-dialog';
import { Nav } from './nav';
import { Page } from './pages';
import { confirmLeave, useRoute } from './router';

/** The admin page: sign-in, then the navigation and the page of the route. */
export function App() {
  const [token, setToken] = useState<string | null>(loadToken);
  const [reason, setReason] = useState<string | null>(null);
  const route = useRoute();
  const main = useRef<HTMLElement>(null);

  const signOut = (why: string | null) => {
    clearToken();
    setReason(why);
    setToken(null);
  };
  const api = useMemo(() => (token ? createApi(token, () => signOut('Your session ended: the admin token is no longer accepted (401). Sign in again.')) : null), [token]);

  // Move focus to the new page's heading so keyboard and screen reader users land on it.
  useEffect(() => {
    const h = main.current?.querySelector('h1');
    if (h instanceof HTMLElement) {
      h.tabIndex = -1;
      h.focus({ preventScroll: true });
    }
    document.title = `${h?.textContent ?? 'Admin'} · Helpdesk Actions`;
  }, [route]);

  if (!token || !api) {
    return (
      <SignIn
        reason={reason}
        onSignedIn={(t) => {
          saveToken(t);
          setReason(null);
          setToken(t);
        }}
      />
    );
  }
  return (
    <ApiProvider value={api}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <header className="top-bar">
          <span className="brand">
            <span className="brand-mark" aria-hidden="true">
              ⚡
            </span>{' '}
            Helpdesk Actions
          </span>
          <button type="button" className="button subtle small on-dark" onClick={() => confirmLeave(() => signOut(null))}>
            Sign out
          </button>
        </header>
        <Nav route={route} />
        <main id="main" ref={main} className="content">
          <LeaveDialog />
          <Page route={route} />
        </main>
      </div>
    </ApiProvider>
  );
}
