/** The durable webhook inbox: its workers and its conversation keys. */
export { InboxWorker, type InboxHandler, type WorkerOptions } from './worker';
export { inboxConversationKey } from './keys';
export { RetentionJob, type RetentionOptions, type SweepResult } from './retention';
