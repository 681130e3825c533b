/**
 * The `{{name}}` placeholder syntax shared by the schemas (validation on save) and the
 * engine (rendering at call time). Kept dependency-free so the browser apps can use it.
 */

/** Matches one placeholder; group 1 is the variable name (dots allowed for context, e.g. contact.email). */
export const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

/** The context variables every template may use besides the action's own variables. */
export const CONTEXT_VARIABLES = [
  'contact.id',
  'contact.email',
  'contact.first_name',
  'contact.last_name',
  'contact.phone_number',
  'agent_name',
  'channel',
  'conversation_id',
  'current_datetime',
] as const;

export type ContextVariable = (typeof CONTEXT_VARIABLES)[number];

const CONTEXT_SET: ReadonlySet<string> = new Set(CONTEXT_VARIABLES);

export function isContextVariable(name: string): name is ContextVariable {
  return CONTEXT_SET.has(name);
}

/** Every placeholder name in a template string, in order of appearance (duplicates kept). */
export function placeholderNames(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) names.push(m[1]!);
  return names;
}

/**
 * Makes a JSON body template parseable: placeholders written outside a JSON string
 * (`{"n": {{n}}}`) are wrapped in quotes so that `JSON.parse` accepts the template.
 * A quoted placeholder that is the whole string (`"{{n}}"`) is later replaced by the typed
 * value; one inside longer text is interpolated as text.
 */
export function quoteBarePlaceholders(template: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += template[i + 1] ?? '';
        i++;
      } else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    if (ch === '{' && template[i + 1] === '{') {
      const rest = template.slice(i);
      const m = /^\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\}/.exec(rest);
      if (m) {
        out += JSON.stringify(m[0]);
        i += m[0].length - 1;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/** Parses a body template (placeholders allowed) into its JSON tree; throws SyntaxError. */
export function parseBodyTemplate(template: string): unknown {
  return JSON.parse(quoteBarePlaceholders(template));
}
