import type { FieldIssue } from '../api/client';

/** The label of each field the forms show, by API path (the words next to the input). */
const LABELS: Record<string, string> = {
  '': 'The request',
  name: 'Name',
  description: 'When to use it',
  enabled: 'Enabled',
  method: 'Method',
  url: 'URL',
  auth: 'Authentication',
  'auth.type': 'Authentication type',
  'auth.token': 'Token',
  'auth.username': 'User name',
  'auth.password': 'Password',
  'auth.name': 'Header, query parameter or body field name',
  'auth.value': 'Secret value',
  headers: 'Headers',
  query: 'Query parameters',
  body: 'JSON body',
  variables: 'Variables',
  audience: 'Who may trigger it',
  requires: 'Requires',
  confirm: 'Ask for confirmation before calling',
  timeoutMs: 'Timeout',
  response: 'Response',
  'response.fields': 'Response fields',
  'response.maxChars': 'Most characters the AI sees',
  mock: 'Mock answer',
  'mock.status': 'Mock status',
  'mock.headers': 'Mock headers',
  'mock.body': 'Mock body',
  instructions: 'Instructions',
  fallbackReply: 'Fallback reply',
  model: 'Model',
  agentName: 'Agent name',
  zendesk: 'Zendesk',
  'zendesk.subdomain': 'Zendesk subdomain',
  'zendesk.email': 'Zendesk agent email',
  'zendesk.apiToken': 'Zendesk API token',
  'zendesk.oauthToken': 'Zendesk OAuth token',
  'zendesk.webhookSecret': 'Zendesk webhook signing secret',
  'zendesk.baseUrl': 'Zendesk API address override',
  intercom: 'Intercom',
  'intercom.appId': 'Intercom workspace id',
  'intercom.accessToken': 'Intercom access token',
  'intercom.clientSecret': 'Intercom client secret',
  'intercom.adminId': 'Intercom admin id',
  'intercom.region': 'Intercom data region',
  'intercom.identityVerification': 'Intercom identity verification',
  'intercom.baseUrl': 'Intercom API address override',
};

const VARIABLE_FIELDS: Record<string, string> = {
  name: 'Name',
  type: 'Type',
  description: 'Description',
  example: 'Example',
  default: 'Default',
  enum: 'Allowed values',
  required: 'Required',
  isArray: 'A list of values',
};

/**
 * The words for an API path, as a summary line names it: "URL", "Header 2 value",
 * "Variable 1 (order_number) description". `variableNames` puts names to variable numbers.
 */
export function labelOf(path: string, variableNames: readonly string[] = []): string {
  if (path in LABELS) return LABELS[path]!;
  const parts = path.split('.');
  const n = Number(parts[1]);
  if ((parts[0] === 'headers' || parts[0] === 'query') && Number.isInteger(n)) {
    const what = parts[0] === 'headers' ? 'Header' : 'Query parameter';
    return `${what} ${n + 1}${parts[2] === 'key' ? ' name' : parts[2] === 'value' ? ' value' : ''}`;
  }
  if (parts[0] === 'variables' && Number.isInteger(n)) {
    const name = variableNames[n]?.trim();
    const field = parts[2] ? VARIABLE_FIELDS[parts[2]] ?? parts.slice(2).join(' ') : '';
    return `Variable ${n + 1}${name ? ` (${name})` : ''}${field ? ` ${field.toLowerCase()}` : ''}`;
  }
  if (parts[0] === 'response' && parts[1] === 'fields' && parts[2] !== undefined) return `Response field ${Number(parts[2]) + 1}`;
  if (parts[0] === 'requires') return 'Requires';
  // Unknown paths: their words, not their keys.
  return path
    .split('.')
    .map((p) => p.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase())
    .join(' ')
    .replace(/^./, (c) => c.toUpperCase());
}

/** The label of the input itself, as shown beside it ("Name", not "Variable 1 name"). */
function ownLabel(path: string): string {
  const parts = path.split('.');
  if (parts[0] === 'variables' && parts[2]) return VARIABLE_FIELDS[parts[2]] ?? labelOf(path);
  if ((parts[0] === 'headers' || parts[0] === 'query') && parts[2]) return parts[2] === 'key' ? 'Name' : 'Value';
  return labelOf(path);
}

/** The value at a dot path of a payload, or undefined. */
export function valueAt(payload: unknown, path: string): unknown {
  let v: unknown = payload;
  for (const p of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** zod's generic messages, in the words of the form. */
function plainMessage(message: string): string {
  const m = message;
  let r: RegExpExecArray | null;
  if (/^Invalid input: expected (number|int)/.test(m)) return 'must be a number';
  if ((r = /^Too small: expected number to be >=?\s*(\S+)/.exec(m))) return `must be at least ${r[1]}`;
  if ((r = /^Too big: expected number to be <=?\s*(\S+)/.exec(m))) return `must be at most ${r[1]}`;
  if ((r = /^Too big: expected string to have <=?\s*(\d+) characters/.exec(m))) return `must be at most ${r[1]} characters`;
  if ((r = /^Too small: expected string to have >=?\s*(\d+) characters/.exec(m))) return `must be at least ${r[1]} characters`;
  if ((r = /^Invalid option: expected one of (.*)$/.exec(m))) return `choose one of ${r[1]!.replace(/"/g, '').replace(/\|/g, ', ')}`;
  if (/^Invalid (email|string: must match pattern .*email)/i.test(m)) return 'must be an email address';
  if (/^Unrecognized key/.test(m)) return 'is not a known field';
  return m;
}

/**
 * The API's issues as the form shows them: an empty text field says "<label> is required"
 * (whatever rule it broke), and zod's generic wording becomes plain words.
 */
export function formIssues(issues: readonly FieldIssue[], payload: unknown): FieldIssue[] {
  const seen = new Set<string>();
  const out: FieldIssue[] = [];
  for (const i of issues) {
    const v = valueAt(payload, i.path);
    const message = typeof v === 'string' && v.trim() === '' ? `${ownLabel(i.path)} is required` : plainMessage(i.message);
    // An empty field breaks several rules at once; it is one problem.
    const key = `${i.path}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: i.path, message });
  }
  return out;
}

/** Issues whose field still holds what was sent: an edited field's error is stale and goes. */
export function withoutChanged(issues: readonly FieldIssue[], before: unknown, after: unknown): FieldIssue[] {
  return issues.filter((i) => JSON.stringify(valueAt(before, i.path)) === JSON.stringify(valueAt(after, i.path)));
}
