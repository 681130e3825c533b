/**
 * The masking rules, from the one secret model (shared/mask.ts has no dependency: nothing of
 * zod reaches the page bundle).
 */
export { MASK_PREFIX, isMasked, isCredentialName as isCredentialHeader } from '../../../../shared/mask';
