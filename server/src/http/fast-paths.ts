import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { AppContext } from './context';
import { intercomFastPath } from './webhooks/intercom';

/**
 * The server's request listener: the few requests that must be answered fastest under load
 * (webhook acknowledgements) are handled without Express; everything else goes to the app.
 */
export function withFastPaths(ctx: AppContext, app: Express): RequestListener {
  const fast: ((req: IncomingMessage, res: ServerResponse) => boolean)[] = [intercomFastPath(ctx)];
  return (req, res) => {
    for (const f of fast) if (f(req, res)) return;
    app(req, res);
  };
}
