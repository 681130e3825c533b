import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_ID, APP_ID } from './helpers';

/** What the stand-in saw of one request. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
  at: number;
}

/** A part the stand-in keeps per conversation (what `POST /conversations/{id}/reply` added). */
export interface FakePart {
  id: string;
  part_type: string;
  body: string;
  author: { type: string; id: string };
  /** Quick-reply buttons (an admin's `quick_reply`) or the clicked option (a customer's part). */
  metadata?: { quick_reply_options?: { text: string; uuid: string }[]; quick_reply_uuid?: string };
}

/** A scripted answer for the next matching request (rate limits, failures). */
export interface Override {
  match: (r: SeenRequest) => boolean;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Delay before answering, ms. */
  delayMs?: number;
  /** Do the request (a reply is kept) but answer with this override: an answer lost on the way back. */
  recordAnyway?: boolean;
}

/**
 * An Intercom REST API stand-in on 127.0.0.1: `GET /me`, `GET /admins`, `GET /contacts/{id}`,
 * `GET /conversations/{id}`, `POST /conversations/{id}/reply`. Every request is recorded;
 * replies and notes are kept as conversation parts so a test can count them per conversation.
 * `token` belongs to workspace `appId` (what `GET /me` names); `addWorkspace` adds more.
 */
export async function startFakeIntercom(token: string, appId: string = APP_ID) {
  /** Access token -> the app id (workspace) it belongs to. */
  const workspaces = new Map<string, string>([[token, appId]]);
  /** The teammates `GET /admins` lists (every workspace the same); the first is the one `GET /me` answers. */
  const admins = [
    { type: 'admin', id: ADMIN_ID, name: 'Acme Bot', email: 'bot@acme.test' },
    { type: 'admin', id: '991267697', name: 'Ada Admin', email: 'ada@acme.test' },
  ];
  const requests: SeenRequest[] = [];
  const contacts = new Map<string, Record<string, unknown>>();
  const parts = new Map<string, FakePart[]>();
  const overrides: Override[] = [];
  let partSeq = 0;
  let replyDelayMs = 0;
  let postsInFlight = 0;

  const send = (res: http.ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    const text = JSON.stringify(data);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const seen: SeenRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() };
      requests.push(seen);
      const o = overrides.findIndex((x) => x.match(seen));
      let lost: Override | undefined;
      if (o >= 0 && overrides[o]!.recordAnyway) [lost] = overrides.splice(o, 1);
      else if (o >= 0) {
        const [ov] = overrides.splice(o, 1);
        if (ov!.delayMs) await new Promise((r) => setTimeout(r, ov!.delayMs));
        if (!res.destroyed) send(res, ov!.status, ov!.body ?? { type: 'error.list', errors: [{ code: 'scripted', message: 'scripted failure' }] }, ov!.headers);
        return;
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const app = bearer === undefined ? undefined : workspaces.get(bearer);
      if (app === undefined) {
        send(res, 401, { type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
        return;
      }
      if (seen.method === 'GET' && seen.path === '/me') {
        send(res, 200, {
          type: 'admin',
          id: ADMIN_ID,
          email: 'bot@acme.test',
          name: 'Acme Bot',
          email_verified: true,
          app: { type: 'app', id_code: app, name: `Workspace ${app}`, created_at: 1700000000, secure: true, identity_verification: true, timezone: 'Europe/Madrid', region: 'US' },
          avatar: { type: 'avatar', image_url: null },
          has_inbox_seat: true,
        });
        return;
      }
      if (seen.method === 'GET' && seen.path === '/admins') {
        send(res, 200, { type: 'admin.list', admins });
        return;
      }
      const contact = /^\/contacts\/([^/?]+)$/.exec(seen.path);
      if (seen.method === 'GET' && contact) {
        const c = contacts.get(decodeURIComponent(contact[1]!));
        if (!c) send(res, 404, { type: 'error.list', errors: [{ code: 'not_found', message: 'User Not Found' }] });
        else send(res, 200, c);
        return;
      }
      const conv = /^\/conversations\/([^/?]+)$/.exec(seen.path);
      if (seen.method === 'GET' && conv) {
        const id = decodeURIComponent(conv[1]!);
        const list = parts.get(id) ?? [];
        send(res, 200, { type: 'conversation', id, conversation_parts: { type: 'conversation_part.list', conversation_parts: list, total_count: list.length } });
        return;
      }
      const reply = /^\/conversations\/([^/?]+)\/reply$/.exec(seen.path);
      if (seen.method === 'POST' && reply) {
        const id = decodeURIComponent(reply[1]!);
        const b = body as { message_type?: string; type?: string; admin_id?: string; body?: string; reply_options?: { text?: unknown; uuid?: unknown }[] };
        if (!b || b.type !== 'admin' || !b.admin_id || !b.body || !['comment', 'note', 'quick_reply'].includes(b.message_type ?? '')) {
          send(res, 400, { type: 'error.list', errors: [{ code: 'parameter_invalid', message: 'bad reply' }] });
          return;
        }
        // As Intercom: quick replies need API 2.14+, and each option a text and a uuid.
        const options = b.reply_options;
        if (b.message_type === 'quick_reply') {
          const version = Number(String(req.headers['intercom-version'] ?? '0').replace(/^(\d+)\.(\d+)$/, (_m, a: string, c: string) => `${a}.${c.padStart(2, '0')}`));
          if (!(version >= 2.14) || !Array.isArray(options) || options.length < 1 || options.some((o) => typeof o?.text !== 'string' || !o.text || typeof o.uuid !== 'string' || !o.uuid)) {
            send(res, 400, { type: 'error.list', errors: [{ code: 'parameter_invalid', message: 'quick_reply needs Intercom-Version 2.14+ and reply_options [{text, uuid}]' }] });
            return;
          }
        } else if (options !== undefined) {
          send(res, 400, { type: 'error.list', errors: [{ code: 'parameter_invalid', message: 'reply_options only with message_type quick_reply' }] });
          return;
        }
        // The post is done after the delay even if the caller is gone (killed): Intercom keeps what it got.
        if (replyDelayMs) {
          postsInFlight++;
          await new Promise((r) => setTimeout(r, replyDelayMs));
          postsInFlight--;
        }
        const part: FakePart = {
          id: String(++partSeq),
          part_type: b.message_type!,
          body: b.body,
          author: { type: 'admin', id: b.admin_id },
          ...(options ? { metadata: { quick_reply_options: options.map((o) => ({ text: String(o.text), uuid: String(o.uuid) })) } } : {}),
        };
        parts.set(id, [...(parts.get(id) ?? []), part]);
        if (lost) {
          send(res, lost.status, lost.body ?? { type: 'error.list', errors: [{ code: 'server_error', message: 'answer lost' }] }, lost.headers);
          return;
        }
        send(res, 200, { type: 'conversation', id, conversation_parts: { type: 'conversation_part.list', conversation_parts: [part], total_count: 1 } });
        return;
      }
      send(res, 404, { type: 'error.list', errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    admins,
    requests,
    contacts,
    overrides,
    /** Comments (what the customer sees, with or without buttons) posted in a conversation. */
    comments: (conversationId: string) => (parts.get(conversationId) ?? []).filter((p) => p.author.type === 'admin' && (p.part_type === 'comment' || p.part_type === 'quick_reply')),
    notes: (conversationId: string) => (parts.get(conversationId) ?? []).filter((p) => p.part_type === 'note'),
    /**
     * The customer clicks a button of the last quick reply (or sends `uuid` as is): adds their
     * part, as Intercom does, with `metadata.quick_reply_uuid`. Returns the part.
     */
    click(conversationId: string, contactId: string, option: 'Yes, do it' | 'No' | { text: string; uuid: string }): FakePart {
      const list = parts.get(conversationId) ?? [];
      const asked = [...list].reverse().find((p) => p.part_type === 'quick_reply');
      const chosen = typeof option === 'string' ? asked?.metadata?.quick_reply_options?.find((o) => o.text === option) : option;
      if (!chosen) throw new Error(`no quick reply option ${JSON.stringify(option)} in conversation ${conversationId}`);
      const part: FakePart = { id: String(++partSeq), part_type: 'comment', body: `<p>${chosen.text}</p>`, author: { type: 'user', id: contactId }, metadata: { quick_reply_uuid: chosen.uuid } };
      parts.set(conversationId, [...list, part]);
      return part;
    },
    /** The buttons of the quick replies posted in a conversation. */
    quickReplies: (conversationId: string) => (parts.get(conversationId) ?? []).filter((p) => p.part_type === 'quick_reply'),
    /** Another workspace: `token` is its access token, `GET /me` names `appId` for it. */
    addWorkspace(token: string, appId: string) {
      workspaces.set(token, appId);
    },
    /** Posts take this long before they are done and answered. */
    setReplyDelay(ms: number) {
      replyDelayMs = ms;
    },
    /** Posts received and not answered yet (during the reply delay). */
    postsInFlight: () => postsInFlight,
    /** Every conversation that got a post, with its parts. */
    allParts: () => parts,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type FakeIntercom = Awaited<ReturnType<typeof startFakeIntercom>>;
