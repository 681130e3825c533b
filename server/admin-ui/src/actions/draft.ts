import type { Action, HttpMethod, KeyValue, VariableType } from '../api/types';
import { authDraftFrom, authPayload, type AuthDraft } from '../components/auth-draft';

export const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const VARIABLE_TYPES: VariableType[] = ['string', 'integer', 'float', 'boolean', 'date', 'email', 'phone'];

/** A variable as edited: free text for example, default and the enum list. */
export interface VariableDraft {
  name: string;
  type: VariableType;
  description: string;
  example: string;
  required: boolean;
  default: string;
  /** Allowed values, comma-separated. */
  enumText: string;
  isArray: boolean;
}

/** An action as edited in the form; numbers stay text until sent so the API can name bad input. */
export interface ActionDraft {
  name: string;
  description: string;
  enabled: boolean;
  method: HttpMethod;
  url: string;
  /** A connection gives the base URL and auth: `url` is then a path. Null: own URL and auth. */
  connectionId: string | null;
  auth: AuthDraft;
  headers: KeyValue[];
  query: KeyValue[];
  body: string;
  variables: VariableDraft[];
  audience: 'everyone' | 'verified';
  requires: string[];
  confirm: boolean;
  /** Until the admin sets it, confirmation follows the method (on for writes). */
  confirmTouched: boolean;
  timeoutMs: string;
  fields: string[];
  maxChars: string;
  /** The sandbox answer: used instead of the API in sandbox conversations (the playground). */
  mockOn: boolean;
  mockStatus: string;
  mockHeaders: KeyValue[];
  /** JSON as typed; text that does not parse is sent as text. */
  mockBody: string;
}

export function emptyDraft(): ActionDraft {
  return {
    name: '',
    description: '',
    enabled: true,
    method: 'GET',
    url: '',
    connectionId: null,
    auth: authDraftFrom(undefined),
    headers: [],
    query: [],
    body: '',
    variables: [],
    audience: 'everyone',
    requires: [],
    confirm: false,
    confirmTouched: false,
    timeoutMs: '10000',
    fields: [],
    maxChars: '4000',
    mockOn: false,
    mockStatus: '200',
    mockHeaders: [],
    mockBody: '',
  };
}

export function emptyVariable(): VariableDraft {
  return { name: '', type: 'string', description: '', example: '', required: true, default: '', enumText: '', isArray: false };
}

function scalarText(v: unknown): string {
  return v === undefined || v === null ? '' : Array.isArray(v) ? v.map(String).join(', ') : String(v);
}

/** The form state of a saved action (secrets come masked and stay so unless retyped). */
export function draftFrom(a: Action): ActionDraft {
  return {
    name: a.name,
    description: a.description,
    enabled: a.enabled,
    method: a.method,
    url: a.url,
    connectionId: a.connectionId ?? null,
    auth: authDraftFrom(a.auth),
    headers: a.headers.map((h) => ({ ...h })),
    query: a.query.map((q) => ({ ...q })),
    body: a.body ?? '',
    variables: a.variables.map((v) => ({
      name: v.name,
      type: v.type,
      description: v.description,
      example: v.example ?? '',
      required: v.required,
      default: scalarText(v.default),
      enumText: scalarText(v.enum),
      isArray: v.isArray,
    })),
    audience: a.audience,
    requires: [...a.requires],
    confirm: a.confirm,
    confirmTouched: true,
    timeoutMs: String(a.timeoutMs),
    fields: [...a.response.fields],
    maxChars: String(a.response.maxChars),
    ...mockDraftFrom(a.mock ?? null),
  };
}

type MockDraft = Pick<ActionDraft, 'mockOn' | 'mockStatus' | 'mockHeaders' | 'mockBody'>;

/** The mock fields of the form from a mock answer (an action's, or a test's response). */
export function mockDraftFrom(m: { status: number; headers?: Record<string, string>; body?: unknown } | null): MockDraft {
  if (!m) return { mockOn: false, mockStatus: '200', mockHeaders: [], mockBody: '' };
  return {
    mockOn: true,
    mockStatus: String(m.status),
    mockHeaders: Object.entries(m.headers ?? {}).map(([key, value]) => ({ key, value })),
    mockBody: m.body === undefined || m.body === null ? '' : typeof m.body === 'string' ? m.body : JSON.stringify(m.body, null, 2),
  };
}

/** The mock body as sent: parsed JSON, else the text itself; empty is null. */
export function mockBodyValue(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Text typed for a value of a type, as the JSON value the API expects; unparsable text stays text. */
export function typedValue(type: VariableType, text: string): string | number | boolean {
  const t = text.trim();
  if ((type === 'integer' || type === 'float') && t !== '' && Number.isFinite(Number(t))) return Number(t);
  if (type === 'boolean' && (t === 'true' || t === 'false')) return t === 'true';
  return text;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function variablePayload(v: VariableDraft): Record<string, unknown> {
  const out: Record<string, unknown> = { name: v.name, type: v.type, description: v.description, required: v.required, isArray: v.isArray };
  if (v.example.trim() !== '') out.example = v.example;
  if (v.default.trim() !== '') out.default = v.isArray ? splitList(v.default).map((x) => typedValue(v.type, x)) : typedValue(v.type, v.default);
  if (v.enumText.trim() !== '') {
    out.enum = splitList(v.enumText).map((x) => {
      const y = typedValue(v.type, x);
      return typeof y === 'boolean' ? x : y;
    });
  }
  return out;
}

/** Numbers typed in the form: a number when it parses, else the text itself so the API names the field. */
function num(text: string): number | string {
  return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
}

/** The action as the API takes it. */
export function actionPayload(d: ActionDraft): Record<string, unknown> {
  return {
    name: d.name.trim(),
    description: d.description,
    enabled: d.enabled,
    method: d.method,
    url: d.url.trim(),
    // On a connection the auth is the connection's: the action's own is none.
    ...(d.connectionId ? { connectionId: d.connectionId } : {}),
    auth: d.connectionId ? { type: 'none' } : authPayload(d.auth),
    headers: d.headers,
    query: d.query,
    body: d.body.trim() === '' ? null : d.body,
    variables: d.variables.map(variablePayload),
    audience: d.audience,
    requires: d.requires,
    confirm: d.confirmTouched ? d.confirm : WRITE_METHODS.has(d.method),
    timeoutMs: num(d.timeoutMs),
    response: { fields: d.fields, maxChars: num(d.maxChars) },
    mock: d.mockOn
      ? {
          status: num(d.mockStatus),
          ...(d.mockHeaders.length ? { headers: Object.fromEntries(d.mockHeaders.map((h) => [h.key, h.value])) } : {}),
          body: mockBodyValue(d.mockBody),
        }
      : null,
  };
}

export type EditorTab = 'endpoint' | 'auth' | 'parameters' | 'variables' | 'rules' | 'mock';

/** Which tab shows the field of an API error path. */
export function tabOf(path: string): EditorTab {
  const head = path.split('.')[0] ?? '';
  if (head === 'auth') return 'auth';
  if (head === 'headers' || head === 'query' || head === 'body') return 'parameters';
  if (head === 'variables') return 'variables';
  if (head === 'mock') return 'mock';
  if (['audience', 'requires', 'confirm', 'timeoutMs', 'response'].includes(head)) return 'rules';
  return 'endpoint';
}
