import type { ActionContext, Variable, VariableType } from '../../../shared/action';
import { isContextVariable } from '../../../shared/template';
import { getOwn } from '../../../shared/safe-object';

/** A value a placeholder can take once checked against its declared type. */
export type Scalar = string | number | boolean;
export type VarValue = Scalar | Scalar[];

/**
 * The values of every name an endpoint uses. `null` means "absent optional variable": it
 * renders as JSON null in a typed body slot and as empty text elsewhere.
 */
export interface Resolution {
  values: Map<string, VarValue | null>;
  /** One entry per missing or invalid name, e.g. `order_id (required)`. Empty when all is well. */
  problems: string[];
}

const declaredCache = new WeakMap<readonly Variable[], Map<string, Variable>>();

/** Declared variables by name; a Map so that names like `constructor` look up nothing else. */
function declaredByName(variables: readonly Variable[]): Map<string, Variable> {
  let map = declaredCache.get(variables);
  if (!map) {
    map = new Map(variables.map((v) => [v.name, v]));
    declaredCache.set(variables, map);
  }
  return map;
}

type Checked = { ok: true; value: Scalar } | { ok: false; expected: string };

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Coerces one model-supplied value to the declared type; strings of digits count as numbers. */
function coerceScalar(type: VariableType, raw: unknown): Checked {
  switch (type) {
    case 'integer': {
      const n = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
      return typeof n === 'number' && Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false, expected: 'an integer' };
    }
    case 'float': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      return typeof n === 'number' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, expected: 'a number' };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const s = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
      if (s === 'true' || s === 1) return { ok: true, value: true };
      if (s === 'false' || s === 0) return { ok: true, value: false };
      return { ok: false, expected: 'true or false' };
    }
    default: {
      if (typeof raw === 'number' && Number.isFinite(raw)) raw = String(raw);
      if (typeof raw !== 'string') return { ok: false, expected: 'a string' };
      const s = raw.trim();
      if (type === 'email' && !EMAIL.test(s)) return { ok: false, expected: 'an email address' };
      if (type === 'date' && Number.isNaN(Date.parse(s))) return { ok: false, expected: 'a date (YYYY-MM-DD)' };
      return { ok: true, value: type === 'string' ? raw : s };
    }
  }
}

function inEnum(v: Variable, value: Scalar): boolean {
  return !v.enum || v.enum.some((e) => e === value || (typeof value === 'number' && e === String(value)));
}

/** Whether the model gave nothing usable: undefined, null or blank text. */
function isAbsent(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '') || (Array.isArray(raw) && raw.length === 0);
}

/** Coerces and checks one item against the declaration; pushes a problem and returns undefined when it fails. */
function checkItem(v: Variable, item: unknown, problems: string[]): Scalar | undefined {
  const c = coerceScalar(v.type, item);
  if (!c.ok) {
    problems.push(`${v.name} (expected ${c.expected})`);
    return undefined;
  }
  if (!inEnum(v, c.value)) {
    problems.push(`${v.name} (must be one of ${v.enum!.join(', ')})`);
    return undefined;
  }
  return c.value;
}

/** Checks one declared variable's value; pushes a problem or returns the value (null = absent optional). */
function resolveDeclared(v: Variable, raw: unknown, problems: string[]): VarValue | null | undefined {
  if (isAbsent(raw)) {
    if (v.default !== undefined) raw = v.default;
    else if (v.required) {
      problems.push(`${v.name} (required)`);
      return undefined;
    } else return null;
  }
  if (v.isArray) {
    // A single value where a list is expected is taken as a list of one.
    const items = Array.isArray(raw) ? raw : [raw];
    const out: Scalar[] = [];
    for (const item of items) {
      const c = checkItem(v, item, problems);
      if (c === undefined) return undefined;
      out.push(c);
    }
    return out;
  }
  if (Array.isArray(raw)) {
    problems.push(`${v.name} (expected one value, not a list)`);
    return undefined;
  }
  return checkItem(v, raw, problems);
}

/** A context variable's value, or undefined when the conversation does not know it. */
function contextValue(name: string, context: ActionContext): string | undefined {
  let value: unknown;
  if (name.startsWith('contact.')) value = getOwn(getOwn(context, 'contact'), name.slice(8));
  else if (name === 'current_datetime') value = getOwn(context, name) ?? new Date().toISOString();
  else value = getOwn(context, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Resolves the names an endpoint's templates use (`used`) plus every declared variable:
 * model values checked and coerced by declared type, defaults for absent ones, then context.
 * A required variable that is absent (even if no template uses it) is a problem.
 */
export function resolveVariables(
  used: ReadonlySet<string>,
  declared: readonly Variable[] | undefined,
  values: Record<string, unknown>,
  context: ActionContext,
): Resolution {
  const problems: string[] = [];
  const out = new Map<string, VarValue | null>();
  const byName = declared ? declaredByName(declared) : undefined;
  const given = typeof values === 'object' && values !== null ? values : {};
  if (declared) {
    for (const v of declared) {
      const raw = Object.hasOwn(given, v.name) ? given[v.name] : undefined;
      const value = resolveDeclared(v, raw, problems);
      if (value !== undefined) out.set(v.name, value);
    }
  }
  for (const name of used) {
    if (byName?.has(name)) continue;
    if (isContextVariable(name)) {
      const value = contextValue(name, context);
      if (value === undefined) problems.push(`${name} (not known in this conversation)`);
      else out.set(name, value);
    } else problems.push(`${name} (not declared)`);
  }
  return { values: out, problems };
}

/** A value as text: lists are comma-separated, an absent optional value is empty. */
export function valueText(value: VarValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}
