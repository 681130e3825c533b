/** The admin token lives in session storage: gone when the tab closes, never in the URL. */
const KEY = 'helpdesk-actions.admin-token';

export function loadToken(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  window.sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  window.sessionStorage.removeItem(KEY);
}
