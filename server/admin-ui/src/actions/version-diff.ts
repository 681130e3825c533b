import { labelOf } from '../components/field-labels';

/** One field that differs between a version and the current action. */
export interface FieldDiff {
  path: string;
  label: string;
  /** Display text; null when the field is a secret (shown as "changed", never its value). */
  from: string | null;
  to: string | null;
  secret: boolean;
}

/** Objects compared field by field; everything else (arrays, text) as a whole. */
const NESTED = new Set(['auth', 'response', 'mock']);
/** Read-only fields of a stored action that are not part of what a version says. */
const IGNORED = new Set(['id', 'tenantId', 'createdAt', 'updatedAt', 'version', 'createdBy', 'updatedBy']);

/** The API masks secrets as "••••" plus the last characters. */
export const isMasked = (v: unknown): boolean => typeof v === 'string' && v.startsWith('••••');

function flatten(spec: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(spec)) {
    if (IGNORED.has(k)) continue;
    if (NESTED.has(k) && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out.set(`${k}.${k2}`, v2);
    } else out.set(k, v);
  }
  return out;
}

/** Values as the page shows them: text as it is, the rest as compact JSON. */
export function showValue(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Anything masked inside a value (a header or query value that is a secret). */
function hasMask(v: unknown): boolean {
  return isMasked(v) || (typeof v === 'object' && v !== null && JSON.stringify(v).includes('••••'));
}

/** The fields of `version` that differ from `current`, in the order the form shows them. */
export function diffSpecs(version: Record<string, unknown>, current: Record<string, unknown>): FieldDiff[] {
  const a = flatten(version);
  const b = flatten(current);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  const out: FieldDiff[] = [];
  for (const path of paths) {
    const from = a.get(path);
    const to = b.get(path);
    if (JSON.stringify(from ?? null) === JSON.stringify(to ?? null)) continue;
    const secret = hasMask(from) || hasMask(to);
    out.push({ path, label: labelOf(path), from: secret ? null : showValue(from), to: secret ? null : showValue(to), secret });
  }
  return out;
}
