/** Masking helpers; the definitions live with the secret model in ./secrets. */
export { maskSecret, isMasked, isCredentialName as isCredentialHeader, MASK_PREFIX } from './secrets';
