import type { ChatRequest, ScriptedReply } from '../../../test/support/fake-openai';

/**
 * What a scripted scenario sees of one model request: the current turn (everything after
 * the model's last final reply: the customer's message, or whatever the server adds after
 * a confirmation), the calls made in it and what they returned.
 */
export interface TurnView {
  /** Customer messages so far, in order. */
  users: string[];
  /** The latest customer message. */
  lastUser: string;
  /** The model's final replies so far (earlier turns). */
  replies: string[];
  /** Tool calls of the current turn with their results. */
  calls: { name: string; args: Record<string, unknown>; result: string }[];
  /** All text of the current turn except the system prompt (results, notes, the message). */
  text: string;
  /** The system prompt. */
  system: string;
}

export function view(req: ChatRequest): TurnView {
  const msgs = req.messages;
  let start = 0;
  msgs.forEach((m, i) => {
    if (m.role === 'assistant' && !m.tool_calls?.length && m.content) start = i + 1;
  });
  const names = new Map<string, { name: string; args: Record<string, unknown> }>();
  const calls: TurnView['calls'] = [];
  for (const m of msgs.slice(start)) {
    for (const tc of (m.tool_calls ?? []) as { id: string; function: { name: string; arguments: string } }[]) {
      let args: Record<string, unknown> = {};
      try {
        args = JSON.parse(tc.function.arguments || '{}') as Record<string, unknown>;
      } catch {
        args = {};
      }
      names.set(tc.id, { name: tc.function.name, args });
    }
    if (m.role === 'tool' && m.tool_call_id) {
      const c = names.get(m.tool_call_id);
      if (c) calls.push({ ...c, result: m.content ?? '' });
    }
  }
  const users = msgs.filter((m) => m.role === 'user').map((m) => m.content ?? '');
  return {
    users,
    lastUser: users[users.length - 1] ?? '',
    replies: msgs.slice(0, start).filter((m) => m.role === 'assistant' && !m.tool_calls?.length && m.content).map((m) => m.content ?? ''),
    calls,
    text: msgs
      .slice(start)
      .filter((m) => m.role !== 'system')
      .map((m) => m.content ?? '')
      .join('\n'),
    system: msgs.find((m) => m.role === 'system')?.content ?? '',
  };
}

/** The last result of a call to `name` in the current turn. */
export function resultOf(v: TurnView, name: string): string | undefined {
  return [...v.calls].reverse().find((c) => c.name === name)?.result;
}

/** The `{error: {type}}` of a tool result, or null when it is data. */
export function errorType(result: string | undefined): string | null {
  if (!result) return null;
  try {
    return (JSON.parse(result) as { error?: { type?: string } }).error?.type ?? null;
  } catch {
    return null;
  }
}

/** The API data inside a tool result's frame, parsed when it is JSON. */
export function dataOf(result: string | undefined): any {
  const m = /<api_data>\n([\s\S]*)\n<\/api_data>/.exec(result ?? '');
  if (!m) return null;
  try {
    return JSON.parse(m[1]!);
  } catch {
    return m[1];
  }
}

export const call = (name: string, args: Record<string, unknown>): ScriptedReply => ({ toolCalls: [{ name, arguments: args }] });
export const calls = (...list: [string, Record<string, unknown>][]): ScriptedReply => ({ toolCalls: list.map(([name, args]) => ({ name, arguments: args })) });
export const say = (content: string): ScriptedReply => ({ content });

/** A scenario's script: what the model answers, given the turn so far. */
export type ScenarioScript = (v: TurnView) => ScriptedReply;
