/** Every outbound HTTP call: the network guard, pooled agents, caps, deadlines, one retry policy. */
export { Outbound, type OutboundOptions, type PoolName } from './outbound';
export { send, headerText, webHeaders, type NetRequest, type NetResult, type NetErrorType, type NetHeaders } from './send';
export { NetworkGuard, BlockedError, createGuardedAgent, isBlockedError, systemResolver, type NetworkGuardOptions, type Resolver, type ResolvedAddress } from './guard';
export { DEFAULT_MAX_RESPONSE_BYTES, MAX_JSON_DEPTH, jsonProblem, mayBeUnusableJson, hasLoneSurrogate, parseBody, bodyKind, decodeText, readCapped, TooLargeError, type ParsedBody, type BodyKind } from './body';
export { fetchClientCredentialsToken, type ClientCredentials, type TokenResult, type SendGuarded } from './oauth';
export { retryAfterMs, backoffMs, MAX_RETRIES, type RetryOptions } from './retry';
