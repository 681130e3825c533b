/**
 * Mask helpers mirrored from shared/mask.ts. That module imports shared/action.ts, whose
 * zod schemas would land in the page bundle; these two rules are all the page needs.
 */
export const MASK_PREFIX = '••••';

/** True for a value the API masked: sending it back keeps the stored secret. */
export function isMasked(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(MASK_PREFIX);
}

const CREDENTIAL_HEADER = /(auth|token|secret|key|password|passwd|cookie|session|signature|credential|api[-_]?key)/i;

/** Header names whose values the API masks; the page edits them in password inputs. */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}
