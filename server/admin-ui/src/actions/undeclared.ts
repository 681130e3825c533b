import { isContextVariable, placeholderNames } from '../../../../shared/template';
import type { VariableType } from '../api/types';
import { emptyVariable, type ActionDraft, type VariableDraft } from './draft';

/** What a declared variable's name must look like (the API's rule); other names cannot be offered. */
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Where a placeholder was found, in the words of the editor's tabs. */
export type PlaceholderPlace = 'URL' | 'headers' | 'query' | 'body';

/** A `{{name}}` used in a template but neither declared nor a context variable. */
export interface Undeclared {
  name: string;
  places: PlaceholderPlace[];
  type: VariableType;
}

/** Every placeholder of the request templates with the places it appears in. */
export function placeholdersByPlace(d: Pick<ActionDraft, 'url' | 'headers' | 'query' | 'body'>): Map<string, PlaceholderPlace[]> {
  const found = new Map<string, PlaceholderPlace[]>();
  const add = (place: PlaceholderPlace, text: string) => {
    for (const n of placeholderNames(text)) {
      const places = found.get(n) ?? [];
      if (!places.includes(place)) places.push(place);
      found.set(n, places);
    }
  };
  add('URL', d.url);
  for (const h of d.headers) add('headers', `${h.key} ${h.value}`);
  for (const q of d.query) add('query', `${q.key} ${q.value}`);
  add('body', d.body);
  return found;
}

/** Placeholders that would fail on save for want of a declaration, with a guessed type. */
export function undeclaredVariables(d: ActionDraft): Undeclared[] {
  const declared = new Set(d.variables.map((v) => v.name.trim()));
  const out: Undeclared[] = [];
  for (const [name, places] of placeholdersByPlace(d)) {
    if (declared.has(name) || isContextVariable(name) || !VARIABLE_NAME.test(name)) continue;
    out.push({ name, places, type: guessType(name) });
  }
  return out;
}

/** The words of a name: `orderNumber` and `order_number` both give order, number. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\d]+/)
    .filter(Boolean);
}

/**
 * A first guess of a variable's type from its name, editable after: ids and numbers are text
 * (leading zeros, letters), emails, dates and counts get their own types.
 */
export function guessType(name: string): VariableType {
  const w = words(name);
  if (w.some((x) => x.includes('email'))) return 'email';
  if (w.some((x) => x === 'phone' || x === 'mobile')) return 'phone';
  if (w.some((x) => x === 'date' || x.endsWith('date') || x === 'day' || x === 'birthday')) return 'date';
  if (w.some((x) => x === 'count' || x === 'quantity' || x === 'qty')) return 'integer';
  return 'string';
}

/** The variable a one-click declaration adds: required, described by its name until edited. */
export function declaredVariable(u: Undeclared): VariableDraft {
  const text = words(u.name).join(' ');
  return { ...emptyVariable(), name: u.name, type: u.type, description: text ? text[0]!.toUpperCase() + text.slice(1) : u.name };
}
