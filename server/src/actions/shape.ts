import { isPlainObject, setOwn } from '../../../shared/safe-object';

/** Field paths as a tree: `true` keeps the whole value under that key. */
type Trie = Map<string, Trie | true>;

const trieCache = new WeakMap<readonly string[], Trie>();

function trieOf(fields: readonly string[]): Trie {
  let trie = trieCache.get(fields);
  if (trie) return trie;
  trie = new Map();
  for (const field of fields) {
    const segments = field.split('.');
    let node: Trie = trie;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const existing = node.get(seg);
      if (existing === true) break; // A shorter path already keeps everything below.
      if (i === segments.length - 1) {
        node.set(seg, true);
        break;
      }
      const next: Trie = existing ?? new Map();
      node.set(seg, next);
      node = next;
    }
  }
  trieCache.set(fields, trie);
  return trie;
}

function pick(data: unknown, trie: Trie): unknown {
  if (Array.isArray(data)) {
    const out: unknown[] = [];
    for (const item of data) {
      const v = pick(item, trie);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  if (!isPlainObject(data)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of trie) {
    if (!Object.hasOwn(data, key)) continue;
    const value = sub === true ? data[key] : pick(data[key], sub);
    if (value !== undefined) setOwn(out, key, value);
  }
  return out;
}

/**
 * Keeps only the given dot paths of a JSON answer, through arrays: `items.name` on
 * `{items: [{name, price}]}` gives `{items: [{name}]}`. Reads own properties only, so a
 * path like `__proto__.x` or `constructor` finds nothing the answer did not contain.
 * No fields, or an answer that is not JSON structure (text), is returned as it is.
 */
export function shapeResponse(data: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || (typeof data !== 'object' || data === null)) return data;
  return pick(data, trieOf(fields)) ?? {};
}

/**
 * Cuts text to at most `maxChars` characters, the cut said in a closing note so the model
 * knows it sees part of the answer. Never splits a surrogate pair.
 */
export function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const note = (shown: number) => `… [truncated: first ${shown} of ${text.length} characters shown]`;
  let cut = Math.max(0, maxChars - note(maxChars).length);
  const last = text.charCodeAt(cut - 1);
  if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut--;
  return text.slice(0, cut) + note(cut);
}
