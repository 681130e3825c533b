import type { CallRecord, Proposal } from '../../../../shared/conversation';
import { NOTE_MARKER } from './types';

/** What a draft note shows. Every string in it is escaped; URLs come masked from the engine. */
export interface NoteInput {
  reply: string;
  fallback: boolean;
  verified: boolean;
  calls: CallRecord[];
  /** Proposed write actions still waiting for an agent. */
  pending: Proposal[];
}

const EXCERPT = 300;

/** HTML-escapes text (element content and attribute values). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Escaped text with its line breaks kept. */
function multiline(s: string): string {
  return escapeHtml(s).replace(/\r?\n/g, '<br>');
}

/** A duration as people read it: 182 ms, 1.2 s, 10 s. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s >= 10 || Math.abs(s - Math.round(s)) < 0.05 ? `${Math.round(s)} s` : `${s.toFixed(1)} s`;
}

/** What happened to a call, in words: "HTTP 200", "timed out after 10 s", "the API answered 503". */
export function outcome(c: CallRecord): string {
  if (c.ok) return `HTTP ${c.status ?? '?'}`;
  const detail = c.errorMessage ? `: ${c.errorMessage}` : '';
  switch (c.errorType) {
    case 'timeout':
      return `timed out after ${duration(c.durationMs)}`;
    case 'http_4xx':
    case 'http_5xx':
      return `the API answered ${c.status ?? 'with an error'}`;
    case 'network':
      return `could not connect${detail}`;
    case 'blocked':
      return `refused by the network guard${detail}`;
    case 'too_large':
      return 'the answer was too large to read';
    case 'invalid_response':
      return `the answer could not be read${detail}`;
    case 'missing_variables':
      return `not run: information missing${detail}`;
    case 'not_allowed':
      return `not run${detail}`;
    case 'needs_confirmation':
      return 'not run: proposed to the agent (see below)';
    default:
      return `failed${c.status ? ` (HTTP ${c.status})` : ''}${detail}`;
  }
}

function callItem(c: CallRecord): string {
  const head = `<strong>${escapeHtml(c.action)}</strong> · ${escapeHtml(c.method || '—')} <code>${escapeHtml(c.url || '—')}</code>`;
  const tail = `${escapeHtml(outcome(c))} · ${escapeHtml(duration(c.durationMs))}`;
  const excerpt = c.responseExcerpt ? c.responseExcerpt.slice(0, EXCERPT) + (c.responseExcerpt.length > EXCERPT ? '…' : '') : '';
  return `<li>${head} → ${tail}${excerpt ? `<br>Result: <code>${escapeHtml(excerpt)}</code>` : ''}</li>`;
}

function proposalItem(p: Proposal): string {
  const args = JSON.stringify(p.arguments);
  return `<li><strong>${escapeHtml(p.action)}</strong> · ${escapeHtml(p.method)} <code>${escapeHtml(p.url)}</code> with <code>${escapeHtml(args.slice(0, EXCERPT))}</code> (until ${escapeHtml(p.expiresAt)})</li>`;
}

/**
 * The internal note of a draft: the AI's draft reply, every call of the turn (action, method,
 * masked URL, outcome in words, duration, a short result) and the write actions waiting for
 * an agent. Ends with our marker, which is how our own note is recognised later.
 */
export function draftNoteHtml(n: NoteInput): string {
  const parts: string[] = [];
  parts.push('<p><strong>AI draft reply</strong> (internal: not sent to the customer; insert it from the API Actions AI sidebar)</p>');
  if (n.fallback) parts.push('<p><em>The AI could not draft a reply; this is the fallback text. Please answer yourself.</em></p>');
  if (!n.verified) parts.push('<p><em>The requester is not verified in Zendesk: the draft is generic and no personal data was looked up.</em></p>');
  parts.push(`<blockquote>${multiline(n.reply)}</blockquote>`);
  parts.push(
    n.calls.length
      ? `<p><strong>API calls (${n.calls.length})</strong></p><ol>${n.calls.map(callItem).join('')}</ol>`
      : '<p>No API calls were made.</p>',
  );
  if (n.pending.length) {
    parts.push(`<p><strong>Proposed actions waiting for an agent (${n.pending.length})</strong>: nothing was changed; run them from the API Actions AI sidebar.</p><ul>${n.pending.map(proposalItem).join('')}</ul>`);
  }
  parts.push(`<p><small>Added by the AI assistant ${escapeHtml(NOTE_MARKER)}</small></p>`);
  return parts.join('\n');
}

/** The short note after an agent ran a proposed action from the sidebar. */
export function runNoteHtml(p: Proposal, call: CallRecord): string {
  return [
    `<p><strong>An agent ran ${escapeHtml(p.action)}</strong> from the API Actions AI sidebar.</p>`,
    `<ul>${callItem(call)}</ul>`,
    `<p><small>Added by the AI assistant ${escapeHtml(NOTE_MARKER)}</small></p>`,
  ].join('\n');
}
