import { invalid as bad } from './invalid';

/** Nodes a scan visits before giving up: bounds work on hostile objects. */
const MAX_SCAN_NODES = 2_000_000;

type Visit = (node: Record<string, unknown>, pointer: string[], scope: string | undefined) => void;

/** Walks every object once (the input may share subtrees), depth-first, with a node bound. */
function walk(doc: unknown, visit: Visit): void {
  const seen = new Set<object>();
  const stack: { node: unknown; pointer: string[]; scope: string | undefined }[] = [{ node: doc, pointer: [], scope: undefined }];
  let visited = 0;
  while (stack.length > 0) {
    const { node, pointer, scope } = stack.pop()!;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    if (++visited > MAX_SCAN_NODES) throw bad('document', 'the document is too large or too deeply nested to scan');
    seen.add(node);
    const obj = node as Record<string, unknown>;
    const id = typeof obj.$id === 'string' ? obj.$id.split('#')[0] : undefined;
    visit(obj, pointer, id ?? scope);
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'object' && v !== null) stack.push({ node: v, pointer: [...pointer, k], scope: id ?? scope });
    }
  }
}

/** Every `$ref` that does not point inside the document, with where it is. */
export function externalRefs(doc: unknown): { path: string; ref: string }[] {
  const found: { path: string; ref: string }[] = [];
  walk(doc, (node, pointer) => {
    if (typeof node.$ref === 'string' && !node.$ref.startsWith('#')) found.push({ path: [...pointer, '$ref'].join('.'), ref: node.$ref });
  });
  return found;
}

const toPointer = (segments: string[]) => '#/' + segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/**
 * OpenAPI 3.1 schemas may name themselves with `$id` (and parts with `$anchor`) and be
 * referenced by that name, e.g. `$ref: /api/v31/components/schemas/tag`. The ref library
 * would take such a ref for a remote file, so refs naming an `$id` of this document are
 * rewritten to JSON pointers in place (ids are matched as written; no base URI resolution).
 */
export function resolveSchemaIds(doc: unknown): void {
  const targets = new Map<string, string[]>();
  walk(doc, (node, pointer, scope) => {
    if (typeof node.$id === 'string') targets.set(node.$id.split('#')[0]!, pointer);
    if (typeof node.$anchor === 'string' && scope !== undefined) targets.set(`${scope}#${node.$anchor}`, pointer);
  });
  if (targets.size === 0) return;
  walk(doc, (node) => {
    const ref = node.$ref;
    if (typeof ref !== 'string' || ref.startsWith('#')) return;
    const exact = targets.get(ref);
    if (exact) {
      node.$ref = toPointer(exact);
      return;
    }
    const hash = ref.indexOf('#');
    const base = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    const target = targets.get(base);
    if (target && (fragment === '' || fragment.startsWith('/'))) node.$ref = toPointer(target) + (fragment === '/' ? '' : fragment);
  });
}

/** Where in the document a `$ref` with this value is written (dot path), if anywhere. */
export function findRef(doc: unknown, ref: string): string | undefined {
  let found: string | undefined;
  walk(doc, (node, pointer) => {
    if (found === undefined && node.$ref === ref) found = [...pointer, '$ref'].join('.');
  });
  return found;
}
