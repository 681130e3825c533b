import type { FieldIssue } from '../api/client';
import type { SettingsDraft } from './settings-draft';

/** Hosts on this machine: a local stand-in may speak plain http (the server checks its own allow-list). */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why a helpdesk API address is refused, or null when it is fine (empty: none set). */
export function httpsProblem(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return 'must be a full address starting with https://, e.g. https://proxy.example.com';
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return null;
  if (u.protocol === 'http:') return 'must start with https:// (plain http is only for a local stand-in on this machine)';
  return `must start with https://, not ${u.protocol}//`;
}

/** The settings' address fields that fail the check, as field issues. */
export function urlIssues(d: SettingsDraft): FieldIssue[] {
  const out: FieldIssue[] = [];
  const z = httpsProblem(d.zendesk.baseUrl);
  if (z) out.push({ path: 'zendesk.baseUrl', message: z });
  const i = httpsProblem(d.intercom.baseUrl);
  if (i) out.push({ path: 'intercom.baseUrl', message: i });
  return out;
}
