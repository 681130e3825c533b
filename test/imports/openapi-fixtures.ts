import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportedOperation, OpenApiPreview } from '../../shared/openapi-import';

/** The committed specs (see test/fixtures/openapi/README.md). */
export const FIXTURES = {
  swagger2: 'swagger2-petstore.yaml',
  openapi30: 'openapi30-petstore.yaml',
  openapi31: 'openapi31-petstore.yaml',
  webhooks31: 'openapi31-webhook-example.yaml',
  intercom: 'intercom-2.15.yaml',
  edge: 'edge-cases.yaml',
} as const;

export function fixture(name: string): string {
  return readFileSync(join(__dirname, '..', 'fixtures', 'openapi', name), 'utf8');
}

/** The operation with this key; fails the test with the keys it has when missing. */
export function op(preview: OpenApiPreview, key: string): ImportedOperation {
  const found = preview.operations.find((o) => o.key === key);
  if (!found) throw new Error(`no operation ${key}; have: ${preview.operations.map((o) => o.key).join(', ')}`);
  return found;
}

/** A variable of an operation by name. */
export function variable(o: ImportedOperation, name: string) {
  const v = o.variables.find((x) => x.name === name);
  if (!v) throw new Error(`${o.key} has no variable ${name}; have: ${o.variables.map((x) => x.name).join(', ')}`);
  return v;
}
