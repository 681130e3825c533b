/**
 * The one secret model on the server side: scrubbing (the redactor) and the document rules
 * (mask, keep for the same destination, audit). Which fields are secret is declared once,
 * in the zod schemas in shared/ (shared/secrets.ts); sealing at rest is the store's.
 */
export { Redactor, redactorFor } from './redactor';
export {
  maskAction,
  maskUserDataApi,
  maskSettings,
  maskConnection,
  keepEndpointSecrets,
  keepSettingsSecrets,
  keepConnectionSecrets,
  auditChanges,
  documentSecrets,
  CONNECTION_SCHEMA,
  type AuditChange,
} from './documents';
export { maskSecret, isMasked, isCredentialName } from '../../../shared/secrets';
