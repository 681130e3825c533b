import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake Zendesk received. */
export interface ZdRequest {
  method: string;
  url: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeComment {
  id: number;
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  created_at: string;
}

export interface FakeTicket {
  id: number;
  subject: string;
  requester_id: number;
  tags: string[];
  comments: FakeComment[];
}

export interface FakeUser {
  id: number;
  name: string;
  email: string | null;
  role: string;
  /** Zendesk's user.phone; absent in most fixtures. */
  phone?: string | null;
  verified: boolean;
  identities: { id: number; type: string; value: string; verified: boolean; primary: boolean }[];
}

/** A canned answer that replaces the normal one for the next matching requests. */
interface Override {
  method: string;
  path: RegExp;
  times: number;
  status: number;
  headers?: http.OutgoingHttpHeaders;
  body?: unknown;
  /** Never answer (timeouts). */
  hang?: boolean;
}

function escapeText(html: string): string {
  return html
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * A Zendesk Support API stand-in on 127.0.0.1: tickets, comments (newest first with
 * `sort_order=desc`), users and identities in Zendesk's JSON shapes; `PUT` adds the comment
 * as the API user, like Zendesk does for the token's owner. Every request is recorded.
 */
export async function startFakeZendesk(apiUserId = 900) {
  const tickets = new Map<number, FakeTicket>();
  const users = new Map<number, FakeUser>();
  const requests: ZdRequest[] = [];
  const overrides: Override[] = [];
  const hung = new Set<http.ServerResponse>();
  let nextComment = 1000;
  // The API user `users/me.json` answers with; `meAuth` (when set) is the only Authorization it accepts.
  let me: { id: number | null; name: string; email: string; role: string } = { id: apiUserId, name: 'AI Bot', email: 'ai-bot@example.com', role: 'admin' };
  let meAuth: string | null = null;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
  };
  const ticketJson = (t: FakeTicket) => ({
    url: `/api/v2/tickets/${t.id}.json`,
    id: t.id,
    subject: t.subject,
    raw_subject: t.subject,
    description: t.comments[0]?.body ?? '',
    status: 'open',
    requester_id: t.requester_id,
    submitter_id: t.requester_id,
    assignee_id: null,
    tags: t.tags,
    via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
    created_at: t.comments[0]?.created_at ?? new Date().toISOString(),
  });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const r: ZdRequest = { method: req.method ?? '', url: req.url ?? '', path: url.pathname, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const o = overrides.find((x) => x.times > 0 && x.method === r.method && x.path.test(r.path));
      if (o) {
        o.times--;
        if (o.hang) {
          hung.add(res);
          return;
        }
        send(res, o.status, o.body ?? { error: 'Scripted', description: 'scripted answer' }, o.headers);
        return;
      }
      let m: RegExpExecArray | null;
      if (r.path === '/api/v2/users/me.json' && r.method === 'GET') {
        if (meAuth !== null && r.headers.authorization !== meAuth) return send(res, 401, { error: "Couldn't authenticate you" });
        return send(res, 200, { user: { ...me, url: me.id === null ? null : `/api/v2/users/${me.id}.json`, active: true } });
      }
      if ((m = /^\/api\/v2\/tickets\/(\d+)\/comments\.json$/.exec(r.path)) && r.method === 'GET') {
        const t = tickets.get(Number(m[1]));
        if (!t) return send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
        let list = [...t.comments];
        if (url.searchParams.get('sort_order') === 'desc') list.reverse();
        const per = Number(url.searchParams.get('per_page') ?? 100);
        list = list.slice(0, per);
        return send(res, 200, { comments: list.map((c) => ({ ...c, type: 'Comment', attachments: [], via: { channel: 'web' } })), next_page: null, previous_page: null, count: t.comments.length });
      }
      if ((m = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(r.path))) {
        const t = tickets.get(Number(m[1]));
        if (!t) return send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
        if (r.method === 'GET') return send(res, 200, { ticket: ticketJson(t) });
        if (r.method === 'PUT') {
          const body = JSON.parse(r.body) as { ticket: { comment?: { html_body?: string; body?: string; public?: boolean }; additional_tags?: string[] } };
          const c = body.ticket.comment;
          if (c) {
            const html = c.html_body ?? c.body ?? '';
            const text = escapeText(html);
            t.comments.push({ id: nextComment++, author_id: apiUserId, body: text, plain_body: text, html_body: html, public: c.public !== false, created_at: new Date().toISOString() });
          }
          for (const tag of body.ticket.additional_tags ?? []) if (!t.tags.includes(tag)) t.tags.push(tag);
          return send(res, 200, { ticket: ticketJson(t), audit: { id: nextComment, ticket_id: t.id, author_id: apiUserId, events: [] } });
        }
      }
      if ((m = /^\/api\/v2\/users\/(\d+)\/identities\.json$/.exec(r.path)) && r.method === 'GET') {
        const u = users.get(Number(m[1]));
        if (!u) return send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
        return send(res, 200, { identities: u.identities.map((i) => ({ ...i, user_id: u.id, url: `/api/v2/users/${u.id}/identities/${i.id}.json` })), next_page: null, previous_page: null, count: u.identities.length });
      }
      if ((m = /^\/api\/v2\/users\/(\d+)\.json$/.exec(r.path)) && r.method === 'GET') {
        const u = users.get(Number(m[1]));
        if (!u) return send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
        const { identities: _i, ...user } = u;
        return send(res, 200, { user: { ...user, active: true, url: `/api/v2/users/${u.id}.json` } });
      }
      send(res, 404, { error: 'InvalidEndpoint', description: 'Not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUserId,
    requests,
    tickets,
    users,
    addUser(u: Omit<FakeUser, 'role' | 'identities'> & Partial<Pick<FakeUser, 'role' | 'identities'>>): FakeUser {
      const user: FakeUser = {
        role: 'end-user',
        identities: u.email ? [{ id: u.id * 10, type: 'email', value: u.email, verified: u.verified, primary: true }] : [],
        ...u,
      };
      users.set(user.id, user);
      return user;
    },
    addTicket(id: number, requesterId: number, subject: string, firstComment: string): FakeTicket {
      const t: FakeTicket = { id, subject, requester_id: requesterId, tags: [], comments: [] };
      tickets.set(id, t);
      this.addComment(id, requesterId, firstComment);
      return t;
    },
    addComment(ticketId: number, authorId: number, text: string, isPublic = true): FakeComment {
      const t = tickets.get(ticketId)!;
      const c: FakeComment = { id: nextComment++, author_id: authorId, body: text, plain_body: text, html_body: `<p>${text}</p>`, public: isPublic, created_at: new Date().toISOString() };
      t.comments.push(c);
      return c;
    },
    /** Who `GET /api/v2/users/me.json` says the API user is (id null: Zendesk's anonymous user). */
    setMe(user: Partial<typeof me>): void {
      me = { ...me, ...user };
    },
    /** `users/me.json` answers 401 unless the Authorization header is exactly this (null: any). */
    requireAuth(header: string | null): void {
      meAuth = header;
    },
    /** The next `times` requests matching method and path get this answer instead. */
    override(method: string, path: RegExp, answer: Omit<Override, 'method' | 'path' | 'times'>, times = 1): void {
      overrides.push({ method, path, times, ...answer });
    },
    /** Bodies of the ticket updates received (our notes). */
    puts(ticketId?: number): { html: string; tags: string[]; public: boolean | undefined; raw: string }[] {
      return requests
        .filter((r) => r.method === 'PUT' && (ticketId === undefined || r.path === `/api/v2/tickets/${ticketId}.json`))
        .map((r) => {
          const b = JSON.parse(r.body) as { ticket: { comment?: { html_body?: string; public?: boolean }; additional_tags?: string[] } };
          return { html: b.ticket.comment?.html_body ?? '', tags: b.ticket.additional_tags ?? [], public: b.ticket.comment?.public, raw: r.body };
        });
    },
    async close(): Promise<void> {
      for (const r of hung) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeZendesk = Awaited<ReturnType<typeof startFakeZendesk>>;
