import { useState } from 'react';
import { ApiError, createApi } from '../api/client';

/** Sign-in with the tenant admin token, checked against the API before it is kept. */
export function SignIn({ onSignedIn, reason }: { onSignedIn: (token: string) => void; reason?: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const submit = async () => {
    const t = token.trim();
    if (!t) {
      setError('Enter the admin token.');
      return;
    }
    setChecking(true);
    setError(null);
    try {
      await createApi(t).get('/v1/actions');
      onSignedIn(t);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setError('This admin token is not valid (the server answered 401 Unauthorized). Check that you copied the whole token, for the right workspace.');
      } else if (err instanceof ApiError && err.status === 429) {
        setError('Too many attempts (429). Wait a minute, then try again.');
      } else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setChecking(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <div className="panel sign-in-card">
        <h1>Sign in to Helpdesk Actions</h1>
        <p className="muted">
          Use your workspace's admin token. On a fresh install it is in <code>DATA_DIR/admin-token</code>. It is kept only in this browser tab.
        </p>
        {reason ? (
          <p className="notice notice-warning" role="status">
            {reason}
          </p>
        ) : null}
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div className={`field${error ? ' has-error' : ''}`}>
            <label htmlFor="admin-token">Admin token</label>
            <input
              id="admin-token"
              type="password"
              autoComplete="current-password"
              spellCheck={false}
              value={token}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'admin-token-error' : undefined}
              onChange={(e) => setToken(e.target.value)}
            />
            {error ? (
              <p id="admin-token-error" className="field-error" role="alert">
                <span aria-hidden="true">⚠ </span>
                {error}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button primary wide" disabled={checking}>
            {checking ? 'Checking…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
