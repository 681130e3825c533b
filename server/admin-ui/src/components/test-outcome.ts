import type { EndpointTestResult } from '../api/types';
import { formatDuration } from '../format';

/** Errors that stop a call before anything goes on the wire. */
const NOT_SENT = new Set(['missing_variables', 'blocked']);
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A test's outcome in plain words: whether the request left, what came back, what to do. */
export interface TestOutcome {
  sent: boolean;
  /** "Sent." / "Not sent." / "Sent, but no answer." */
  headline: string;
  detail: string;
  /** Reasons, one per line (e.g. each placeholder without a value). */
  reasons: string[];
  /** Set for a write that reached the API. */
  writeNote?: string;
  /** Title over the echoed request: says whether it went out and whether placeholders are filled. */
  requestTitle: string;
}

/**
 * One problem of the engine's "missing or invalid variables: a (required), b (expected
 * integer)" as words about the placeholder.
 */
function variableProblem(p: string): string {
  const m = /^\s*([^\s(]+)\s*\((.*)\)\s*$/.exec(p);
  if (!m) return p.trim();
  const [, name, why] = m;
  if (why === 'required' || why === 'not known in this conversation') return `{{${name}}} has no value: fill it in above.`;
  if (why === 'not declared') return `{{${name}}} is not declared: declare it under Variables.`;
  return `{{${name}}} ${why!.replace(/^expected /, 'must be ')}.`;
}

export function testOutcome(r: EndpointTestResult): TestOutcome {
  const time = formatDuration(r.durationMs);
  const status = r.response?.status;
  const err = r.error;
  if (err && NOT_SENT.has(err.type)) {
    const list = err.type === 'missing_variables' ? err.message.replace(/^missing or invalid variables:\s*/, '').split(/,\s*(?![^(]*\))/) : [];
    return {
      sent: false,
      headline: 'Not sent.',
      detail:
        err.type === 'missing_variables'
          ? 'Nothing reached your API: the request still has placeholders without a valid value.'
          : `Nothing reached your API: the address was refused (${err.message}).`,
      reasons: list.map(variableProblem),
      requestTitle: err.type === 'missing_variables' ? 'Request not sent (placeholders as written, secrets masked)' : 'Request not sent (secrets masked)',
    };
  }
  const writeNote = WRITE.has(r.request.method) ? `This was a real ${r.request.method} request: your API may have created, changed or deleted data.` : undefined;
  const base = { sent: true, reasons: [] as string[], requestTitle: 'Request sent (secrets masked)', ...(writeNote ? { writeNote } : {}) };
  if (!err) return { ...base, headline: 'Sent.', detail: status ? `Your API answered ${status} in ${time}.` : `Your API answered in ${time}.` };
  switch (err.type) {
    case 'timeout':
      return { ...base, headline: 'Sent, but no answer.', detail: `Your API did not answer in time (${err.message}). Raise the timeout under Rules or check the API.` };
    case 'network':
      return { ...base, sent: false, headline: 'Could not reach your API.', detail: `The connection failed: ${err.message}.`, requestTitle: 'Request attempted (secrets masked)' };
    case 'http_4xx':
    case 'http_5xx':
      return { ...base, headline: 'Sent.', detail: `Your API answered ${status ?? ''} in ${time}: an error${err.type === 'http_4xx' ? ' about the request' : ' on its side'} (${err.message}).` };
    default:
      return { ...base, headline: 'Sent.', detail: `Your API answered${status ? ` ${status}` : ''} in ${time}, but the answer cannot be used: ${err.message}.` };
  }
}
