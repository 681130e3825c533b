import type { RequestListener } from 'node:http';
import type { Express } from 'express';
import type { AppContext } from './context';
import type { FastPath } from './fast-request';
import { conversationsFastPath } from './routes/conversations';
import { intercomFastPath } from './webhooks/intercom';

/**
 * The server's request listener: the few requests that must be answered fastest under load
 * (webhook acknowledgements, a conversation's first turn) are handled without Express;
 * everything else goes to the app.
 */
export function withFastPaths(ctx: AppContext, app: Express): RequestListener {
  const fast: FastPath[] = [conversationsFastPath(ctx), intercomFastPath(ctx)];
  return (req, res) => {
    for (const f of fast) if (f(req, res)) return;
    app(req, res);
  };
}
