import { merged, scalarOf, SchemaNotes, typeOf, type Scalar, type Schema } from './schema';

/** Object levels of a JSON body mapped below the top level; deeper ones are dropped. */
const MAX_BODY_DEPTH = 3;
/** Body properties considered per operation: bounds work on huge or circular schemas. */
const MAX_BODY_FIELDS = 200;

/** One leaf of a JSON body that becomes a variable. */
export interface BodyField {
  /** Property names from the body's root, e.g. ["customer", "email"]. */
  path: string[];
  schema: Schema;
  scalar: Extract<Scalar, { ok: true }>;
  required: boolean;
}

/** The body's leaves, or a single value when the body itself is a scalar or a list of them. */
export interface BodyShape {
  fields: BodyField[];
  /** `object`: a JSON object of the fields; `whole`: the body is one value (`"{{body}}"`); `none`: no body can be built. */
  kind: 'object' | 'whole' | 'none';
  warnings: string[];
}

/**
 * Flattens a JSON request body schema into variables: top-level properties, and properties
 * of nested objects (up to {@link MAX_BODY_DEPTH} levels) as `parent_child` variables whose
 * template keeps the nesting. What cannot be a typed value is dropped with a warning.
 */
export function flattenBody(schema: unknown, required: boolean): BodyShape {
  const notes = new SchemaNotes();
  const root = merged(schema, notes);
  const warnings: string[] = [];
  const rootType = typeOf(root);
  if (rootType !== 'object') {
    const scalar = scalarOf(root, notes);
    if (!scalar.ok) {
      warnings.push(`the JSON body is ${describe(scalar.reason)}, which an action cannot build: no body is sent`);
      return { fields: [], kind: 'none', warnings };
    }
    return { fields: [{ path: [], schema: root, scalar, required }], kind: 'whole', warnings };
  }

  const fields: BodyField[] = [];
  const dropped: string[] = [];
  const flattened: string[] = [];
  let budget = MAX_BODY_FIELDS;
  const visit = (obj: Schema, prefix: string[], parentRequired: boolean, depth: number) => {
    const props = obj.properties;
    if (typeof props !== 'object' || props === null) return;
    const requiredNames = new Set(Array.isArray(obj.required) ? obj.required : []);
    for (const [prop, raw] of Object.entries(props)) {
      if (--budget < 0) {
        dropped.push(`${[...prefix, prop].join('.')} and the rest`);
        return;
      }
      const s = merged(raw, notes);
      if (s.readOnly === true) continue;
      const path = [...prefix, prop];
      const isRequired = parentRequired && requiredNames.has(prop);
      if (typeOf(s) === 'object') {
        if (typeof s.properties !== 'object' || s.properties === null || Object.keys(s.properties).length === 0) {
          dropped.push(`${path.join('.')} (free-form object)`);
        } else if (depth + 1 >= MAX_BODY_DEPTH) {
          dropped.push(`${path.join('.')} (nested too deep)`);
        } else {
          flattened.push(path.join('.'));
          visit(s, path, isRequired, depth + 1);
        }
        continue;
      }
      const scalar = scalarOf(s, notes);
      if (!scalar.ok) {
        dropped.push(`${path.join('.')} (${describe(scalar.reason)})`);
        continue;
      }
      fields.push({ path, schema: s, scalar, required: isRequired });
    }
  };
  // The action always sends its body template, so the body's own required fields are required.
  visit(root, [], true, 0);

  if (flattened.length > 0) warnings.push(`nested body objects flattened into top-level variables: ${list(flattened)}`);
  if (dropped.length > 0) warnings.push(`body fields left out: ${list(dropped)}`);
  if (notes.has('oneOf/anyOf')) warnings.push('the body schema offers alternatives (oneOf/anyOf): the first one is used');
  if (notes.has('too complex')) warnings.push('the body schema is too complex to read whole: parts of it are left out');
  if (fields.length === 0 && typeof root.properties !== 'object') warnings.push('the JSON body has no declared properties: an empty object is sent');
  return { fields, kind: 'object', warnings };
}

function describe(reason: Exclude<Scalar, { ok: true }>['reason']): string {
  switch (reason) {
    case 'object':
      return 'an object';
    case 'array_of_objects':
      return 'a list of objects';
    case 'nested_array':
      return 'a list of lists';
    case 'file':
      return 'a file upload';
  }
}

/** Names a few items and counts the rest, to keep warnings short. */
export function list(items: string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Sets `value` at `path` in a body tree, creating the nested objects. */
export function place(tree: Record<string, unknown>, path: string[], value: string): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      Object.defineProperty(node, key, { value: created, enumerable: true, writable: true, configurable: true });
      node = created;
    }
  }
  Object.defineProperty(node, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}
