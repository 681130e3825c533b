import type { KeyValue, UserDataApi } from '../api/types';
import { authDraftFrom, authPayload, type AuthDraft } from '../components/auth-draft';

/** The User Data API as edited. */
export interface UserDataDraft {
  enabled: boolean;
  method: 'GET' | 'POST';
  url: string;
  auth: AuthDraft;
  headers: KeyValue[];
  query: KeyValue[];
  body: string;
  timeoutMs: string;
  fields: string[];
  maxChars: string;
}

export function userDataDraftFrom(u: UserDataApi): UserDataDraft {
  return {
    enabled: u.enabled,
    method: u.method,
    url: u.url,
    auth: authDraftFrom(u.auth),
    headers: u.headers.map((h) => ({ ...h })),
    query: u.query.map((q) => ({ ...q })),
    body: u.body ?? '',
    timeoutMs: String(u.timeoutMs),
    fields: [...u.response.fields],
    maxChars: String(u.response.maxChars),
  };
}

const num = (t: string): number | string => (/^\s*\d+\s*$/.test(t) ? Number(t) : t);

export function userDataPayload(d: UserDataDraft): Record<string, unknown> {
  return {
    enabled: d.enabled,
    method: d.method,
    url: d.url.trim(),
    auth: authPayload(d.auth),
    headers: d.headers,
    query: d.query,
    body: d.body.trim() === '' ? null : d.body,
    timeoutMs: num(d.timeoutMs),
    response: { fields: d.fields, maxChars: num(d.maxChars) },
  };
}
