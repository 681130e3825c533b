/** The agent: the LLM loop, tools, the rules of each tool call, proposals and their confirmation. */
export { Agent, DEFAULT_LIMITS, type AgentLimits, type TurnMode, type TurnResult, type ConfirmOutcome, type AgentDeps } from './agent';
export { newConversation } from './context';
export { publicProposal } from './proposals';
export { describe as describeProposal, outcomeReply } from './confirmations';
export { singleCall, offeredTools, settledText, type SingleCallInput, type SingleCallResult } from './single-call';
