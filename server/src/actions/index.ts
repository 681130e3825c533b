/** The action engine: variables, templates, auth, the executor and response shaping. */
export { ActionExecutor, type ActionExecutorOptions, type ExecuteOptions } from './executor';
export { resolveEndpoint, effectiveAudience } from './connection';
export { Credentials, type CredentialsOptions, type CredentialStore } from './credentials';
export { IdentitySigner, RETIRED_KEY_LISTED_MS, ASSERTION_TTL_S, type PublicJwk } from './identity';
export { shapeResponse, capText } from './shape';
export { applyAuth, authSecrets, basicCredentials, endpointSecrets } from './auth';
export { compileEndpoint, renderRequest, encodeUrlValue, type CompiledEndpoint, type RenderedRequest } from './template';
export { resolveVariables, type Resolution, type VarValue } from './variables';
export { Redactor, redactorFor } from '../secrets';
export type { CallErrorType, Endpoint, ExecResult, RequestEcho, ActionContext } from './types';
