/** One problem the API reports about a field: `path` is a dot path such as `variables.0.name`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** A failed API call, with the API's `{error:{code,message,details}}` unpacked. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The HTTP API with the admin token. The token travels only in the Authorization header. */
export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  del(path: string): Promise<void>;
}

/** Builds the client; `onUnauthorized` runs on any 401 so the page can ask for the token again. */
export function createApi(token: string, onUnauthorized: () => void = () => {}): Api {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection and try again.');
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string; details?: FieldIssue[] } } | null)?.error;
      if (res.status === 401) onUnauthorized();
      throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `The server answered ${res.status}.`, err?.details ?? []);
    }
    return json as T;
  }
  return {
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b),
    put: (p, b) => call('PUT', p, b),
    del: (p) => call<void>('DELETE', p),
  };
}

/** Words for an error an admin can act on. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Your admin token was not accepted (401 Unauthorized). Sign in again.';
    if (err.status === 404) return `Not found: ${err.message}.`;
    if (err.status === 409) return `${capitalize(err.message)}.`;
    if (err.status === 400 && err.details.length) {
      const n = new Set(err.details.map((d) => d.path)).size;
      return n === 1 ? 'One field needs attention: fix it below.' : `${n} fields need attention: fix them below.`;
    }
    return capitalize(err.message);
  }
  return err instanceof Error ? err.message : String(err);
}

function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
