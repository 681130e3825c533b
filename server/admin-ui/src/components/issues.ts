import type { FieldIssue } from '../api/client';

/** The DOM id of the input for an API path such as `variables.0.name`. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The messages for exactly this path, joined; undefined when the field is fine. */
export function issueAt(issues: readonly FieldIssue[], path: string): string | undefined {
  const msgs = issues.filter((i) => i.path === path).map((i) => i.message);
  return msgs.length ? msgs.join('; ') : undefined;
}

/** True when some issue is at this path or below it. */
export function hasIssueUnder(issues: readonly FieldIssue[], prefix: string): boolean {
  return issues.some((i) => i.path === prefix || i.path.startsWith(`${prefix}.`));
}

/** Issues left once the fields under these top-level keys were edited (their errors are stale). */
export function withoutEdited(issues: readonly FieldIssue[], edited: readonly string[]): FieldIssue[] {
  return issues.filter((i) => !edited.includes(i.path.split('.')[0] ?? ''));
}
