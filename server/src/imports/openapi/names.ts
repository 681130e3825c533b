/** Longest tool and variable name the action schema accepts. */
const MAX_NAME = 64;
/** Suffixes tried before giving up on a unique name: bounds the loop. */
const MAX_SUFFIX = 10_000;

/** Letters, digits and `_` (plus `-` when allowed), collapsed, trimmed, starting with a letter. */
function sanitise(raw: string, allowDash: boolean, fallback: string): string {
  const invalid = allowDash ? /[^A-Za-z0-9_-]+/g : /[^A-Za-z0-9_]+/g;
  let s = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(invalid, '_').replace(/_{2,}/g, '_').replace(/^[_-]+|[_-]+$/g, '');
  if (!/^[A-Za-z]/.test(s)) s = s ? `${fallback}_${s}` : fallback;
  return s.slice(0, MAX_NAME).replace(/[_-]+$/, '');
}

/** Adds `_2`, `_3`, ... (shortening the base to fit) until `taken` does not have it. */
function unique(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 2; i < MAX_SUFFIX; i++) {
    const suffix = `_${i}`;
    const name = base.slice(0, MAX_NAME - suffix.length) + suffix;
    if (!taken(name)) return name;
  }
  throw new Error(`no unique name for ${base}`);
}

/**
 * Tool names, unique against the tenant's existing action names and each other. Names are
 * compared without case, so that two tools never differ only in case.
 */
export class ToolNamer {
  private readonly taken = new Set<string>();

  constructor(existing: Iterable<string>) {
    for (const n of existing) this.taken.add(n.toLowerCase());
  }

  /** `find pet by id` -> `find_pet_by_id`; without an operationId, `get /pets/{id}` -> `get_pets_id`. */
  name(operationId: string | undefined, method: string, path: string): string {
    const fromPath = `${method.toLowerCase()}_${path.replace(/[{}]/g, '')}`;
    const base = sanitise(operationId?.trim() || fromPath, true, 'op');
    const name = unique(base, (n) => this.taken.has(n.toLowerCase()));
    this.taken.add(name.toLowerCase());
    return name;
  }
}

/** Variable names of one operation: valid, unique, each remembering what it came from. */
export class VariableNamer {
  private readonly taken = new Set<string>();

  /** `X-Request-Id` -> `X_Request_Id`; `2fa` -> `v_2fa`; a second `id` -> `id_2`. */
  name(original: string): string {
    const name = unique(sanitise(original, false, 'v'), (n) => this.taken.has(n));
    this.taken.add(name);
    return name;
  }
}

/** Collapses whitespace and cuts at a word boundary with an ellipsis. */
export function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const room = flat.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  return `${(space > max / 2 ? room.slice(0, space) : room).replace(/[\s.,;:]+$/, '')}…`;
}

/** Strips the Markdown and HTML that read badly in a tool description: links, emphasis, code marks, quotes, tags. */
export function plain(text: string): string {
  return text
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]{1,3}([^*_`]+)[*_`]{1,3}/g, '$1')
    .replace(/^\s*>\s?/gm, '')
    .replace(/^#+\s*/gm, '');
}

/**
 * A description the action schema accepts (10 to 200 characters): the summary, joined with
 * the description when the summary alone is short, padded with method and path when needed.
 */
export function operationDescription(summary: unknown, description: unknown, method: string, path: string): string {
  const s = typeof summary === 'string' ? plain(summary).replace(/\s+/g, ' ').trim() : '';
  const d = typeof description === 'string' ? plain(description).replace(/\s+/g, ' ').trim() : '';
  let text = s || d;
  if (s && d && s.length < 40 && !d.startsWith(s)) text = `${s.replace(/[.:]$/, '')}: ${d}`;
  const where = `${method} ${path}`;
  if (text.length < 10) text = text ? `${text} (${where})` : `Calls ${where}`;
  return cut(text, 200).padEnd(10, '.');
}
