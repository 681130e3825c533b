import type { ActionContext, Auth, HttpMethod, KeyValue, McpToolRef, ResponseShape, Variable } from '../../../shared/action';

/** Why a call failed: the one list, in shared/api/common.ts. The last three are set by the agent, not the engine. */
export type { CallErrorType } from '../../../shared/api/common';
import type { CallErrorType } from '../../../shared/api/common';

/** What the engine needs to make a call: an action or the User Data API. */
export interface Endpoint {
  method: HttpMethod;
  url: string;
  auth: Auth;
  headers: KeyValue[];
  query: KeyValue[];
  body: string | null;
  timeoutMs: number;
  response: ResponseShape;
  /** Declared variables (absent for the User Data API, which uses context only). */
  variables?: Variable[];
  /** The action name (identity assertions carry it). */
  name?: string;
  /** Set on an action that uses a connection: its `url` is a path, see `resolveEndpoint`. */
  connectionId?: string;
  /** Set by `resolveEndpoint`: the connection the endpoint was built from (its OAuth token cache owner). */
  resolvedFrom?: string;
  /** `mcp`: the call is a tool of the MCP server at `url` (see `mcp`), not one HTTP request. */
  kind?: 'http' | 'mcp';
  mcp?: McpToolRef;
}

/** The request as sent, every secret masked: for logs, call records and the test view. */
export interface RequestEcho {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** The result of one call: data, never a throw. */
export interface ExecResult {
  ok: boolean;
  /** HTTP status of the last response, when one arrived. */
  status?: number;
  durationMs: number;
  /** Attempts made (1 + retries). */
  attempts: number;
  request: RequestEcho;
  /** The raw answer (parsed JSON or text, capped), for the admin's test view. Not for the model. */
  response?: { status: number; headers: Record<string, string>; body: unknown };
  /** What the model may see: shaped by `response.fields`, serialized and capped by `maxChars`. */
  modelText?: string;
  error?: { type: CallErrorType; message: string };
}

export type { ActionContext };
