import type { IncomingMessage, ServerResponse } from 'node:http';
import { BODY_LIMIT_BYTES, bodyShapeError, MAX_BODY_DEPTH } from './body';
import { bodyTooLarge, errorResponse, malformedJson } from './errors';
import type { AppContext } from './context';

/** A request answered without Express: true when this handler took it. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * An answer written directly: Express's `res.json` would also hash the body for an ETag and
 * check freshness, which no POST uses.
 */
export function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
}

/**
 * Runs one fast-path request with what Express's stack gives every route: the body read up to
 * BODY_LIMIT_BYTES (413 past it, with or without a Content-Length: the rest is read and dropped so
 * the sender sees the answer), the one error shape, and the request metrics under `route`, the
 * label Express gives the same route.
 */
export function serveFast(ctx: AppContext, req: IncomingMessage, res: ServerResponse, route: string, handle: (body: Buffer) => Promise<{ status: number; body: string }>): void {
  const end = ctx.metrics.httpDuration.startTimer({ method: 'POST', route });
  const reply = (status: number, body: string) => {
    answer(res, status, body);
    ctx.metrics.httpRequests.inc({ method: 'POST', route, status: String(status) });
    end();
  };
  const fail = (err: unknown) => {
    const r = errorResponse(err, ctx.log, req.url ?? route);
    reply(r.status, JSON.stringify(r.body));
  };
  if (Number(req.headers['content-length']) > BODY_LIMIT_BYTES) {
    req.resume();
    fail(bodyTooLarge());
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= BODY_LIMIT_BYTES) chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    if (size > BODY_LIMIT_BYTES) return fail(bodyTooLarge());
    handle(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).then((r) => reply(r.status, r.body), fail);
  });
}

/**
 * A JSON API body as the Express routes get it from `jsonBody()` (body-parser, then the shape
 * check): an empty body is `{}`, a byte order mark is not part of the JSON, malformed JSON is a
 * 400 `malformed_json`, a tree too deep or with a lone surrogate a 400 `validation_failed`.
 */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  let input: unknown = {};
  if (text.length > 0) {
    try {
      input = JSON.parse(text);
    } catch {
      throw malformedJson();
    }
  }
  const shape = bodyShapeError(input, MAX_BODY_DEPTH, text);
  if (shape) throw shape;
  return input;
}
