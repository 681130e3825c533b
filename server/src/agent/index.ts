export { Agent, DEFAULT_LIMITS, type AgentLimits, type TurnMode, type TurnResult } from './agent';
export { newConversation } from './context';
