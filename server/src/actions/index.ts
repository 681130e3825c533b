/** The action engine: templates, auth, the network guard, the executor and response shaping. */
export { ActionExecutor, type ActionExecutorOptions } from './executor';
export { NetworkGuard, BlockedError, createGuardedAgent, isBlockedError, systemResolver, type NetworkGuardOptions, type Resolver, type ResolvedAddress } from './network-guard';
export { shapeResponse, capText } from './shape';
export { applyAuth, authSecrets, basicCredentials } from './auth';
export { compileEndpoint, renderRequest, encodeUrlValue, type CompiledEndpoint, type RenderedRequest } from './template';
export { resolveVariables, type Resolution, type VarValue } from './variables';
export { Redactor } from './redact';
export { DEFAULT_MAX_RESPONSE_BYTES } from './response-body';
export type { CallErrorType, Endpoint, ExecResult, RequestEcho, ActionContext } from './types';
