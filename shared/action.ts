import { z } from 'zod';
import { credentialValue, MASK_PREFIX, secretField } from './secrets';
import { isContextVariable, parseBodyTemplate, placeholderNames } from './template';
import type { Stored } from './stored';

export { MASK_PREFIX };

/** HTTP methods an action may use. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const HttpMethod = z.enum(HTTP_METHODS).describe('HTTP method of the call');
export type HttpMethod = z.infer<typeof HttpMethod>;

/** Methods that change data: confirmation is on by default for them. */
export const WRITE_METHODS: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Variable types an admin can declare; each maps to a JSON Schema type/format for the LLM. */
export const VARIABLE_TYPES = ['string', 'integer', 'float', 'boolean', 'date', 'email', 'phone'] as const;
export const VariableType = z.enum(VARIABLE_TYPES).describe('Type of the value the AI must collect');
export type VariableType = z.infer<typeof VariableType>;

const secret = (what: string) =>
  secretField(
    z
      .string()
      .min(1, `${what} must not be empty`)
      .max(4096)
      .describe(`${what}. Write-only: stored encrypted, returned masked ("••••" + last 4); sending the masked value back keeps the stored one (for the same destination only)`),
  );

/** Authentication of an outbound call. Secrets are write-only. */
export const Auth = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('none').describe('No authentication') }),
      z.strictObject({
        type: z.literal('bearer').describe('Authorization: Bearer <token>'),
        token: secret('Bearer token'),
      }),
      z.strictObject({
        type: z.literal('basic').describe('HTTP Basic authentication'),
        username: z.string().min(1).max(512).describe('Basic auth user name'),
        password: secret('Basic auth password'),
      }),
      z.strictObject({
        type: z.literal('header').describe('A custom header carries the credential, e.g. X-API-Key'),
        name: z
          .string()
          .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid HTTP header name')
          .max(256)
          .describe('Header name, e.g. X-API-Key'),
        value: secret('Header value'),
      }),
      z.strictObject({
        type: z.literal('query').describe('A query parameter carries the credential, e.g. ?api_key=...'),
        name: z.string().min(1).max(256).describe('Name of the query parameter, e.g. api_key'),
        value: secret('Query parameter value'),
      }),
      z.strictObject({
        type: z.literal('body').describe('A field added to the JSON body carries the credential'),
        name: z.string().min(1).max(256).describe('Name of the JSON body field, e.g. api_key'),
        value: secret('Body field value'),
      }),
      z.strictObject({
        type: z.literal('oauth2_client_credentials').describe('OAuth2 client credentials grant: the server fetches an access token and sends it as Authorization: Bearer'),
        tokenUrl: z
          .url({ protocol: /^https?$/, error: 'must be an http(s) URL (https, or http to an allowed private host)' })
          .max(2048)
          .describe('Token endpoint of the authorization server'),
        clientId: z.string().min(1, 'client id must not be empty').max(1024).describe('OAuth client id'),
        clientSecret: secret('OAuth client secret'),
        scope: z.string().max(2048).optional().describe('Space-separated scopes to ask for'),
        audience: z.string().max(2048).optional().describe('Audience (resource) parameter some servers require, e.g. Auth0'),
        clientAuth: z.enum(['basic', 'body']).default('basic').describe('How the client authenticates at the token endpoint: HTTP Basic (client_secret_basic) or in the form body (client_secret_post)'),
      }),
      z.strictObject({
        type: z
          .literal('identity_jwt')
          .describe('Per call, a short-lived ES256 JWT signed by this server asserting the verified customer (sub, email, tenant, action, conversation, aud = the API origin), sent as Authorization: Bearer; public keys at /identity/<tenant>/jwks.json. Verified customers only'),
      }),
    ],
    { error: () => 'unknown auth type: use none, bearer, basic, header, query, body, oauth2_client_credentials or identity_jwt' },
  )
  .describe('How the call authenticates');
export type Auth = z.infer<typeof Auth>;

/** A header or query parameter; the value may contain `{{variables}}`. */
export const KeyValue = z
  .strictObject({
    key: z.string().min(1, 'key must not be empty').max(256).describe('Name of the header or query parameter'),
    value: credentialValue(
      z.string().max(8192).describe('Value; may contain {{variable}} placeholders. Secret (stored encrypted, returned masked) when the name looks like a credential: authorization, *key*, *token*, *secret*, *signature*, cookie'),
    ),
  })
  .describe('A name/value pair');
export type KeyValue = z.infer<typeof KeyValue>;

const Scalar = z.union([z.string().max(4096), z.number(), z.boolean()]);

/** A typed value the AI collects from the customer; it becomes a tool parameter. */
export const Variable = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must start with a letter and contain only letters, digits and _ (max 64)')
      .describe('Variable name, used as {{name}} in templates and as the tool parameter name'),
    type: VariableType,
    description: z.string().min(1, 'describe what the AI must ask for').max(500).describe('What the value is; the AI reads this to know what to ask the customer'),
    example: z.string().max(500).optional().describe('An example value, shown to the AI and used in tests'),
    required: z.boolean().default(true).describe('Whether the AI must collect it before calling'),
    default: z.union([Scalar, z.array(Scalar).max(100)]).optional().describe('Value used when the AI does not provide one'),
    enum: z.array(z.union([z.string().max(200), z.number()])).min(1).max(100).optional().describe('The only allowed values'),
    isArray: z.boolean().default(false).describe('Whether the value is a list of values of the type'),
  })
  .describe('A value the AI must collect before calling');
export type Variable = z.infer<typeof Variable>;

/** What of the API's answer the model may see. */
export const ResponseShape = z
  .strictObject({
    fields: z
      .array(z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, 'must be a dot path such as order.status or items.name').max(256))
      .max(100)
      .default([])
      .describe('Dot paths (through arrays) the AI may see; empty means the whole response'),
    maxChars: z.number().int().min(100).max(100_000).default(4000).describe('Most characters of the response that reach the AI'),
  })
  .describe('Which parts of the response the AI sees');
export type ResponseShape = z.infer<typeof ResponseShape>;

/** A canned answer of an action, used instead of the API in sandbox conversations and scenario runs. */
export const MockResponse = z
  .strictObject({
    status: z.number().int().min(100).max(599).default(200).describe('HTTP status of the mock answer'),
    headers: z.record(z.string().max(256), z.string().max(4096)).optional().describe('Response headers of the mock answer'),
    body: z.unknown().describe('The mock answer body: JSON (an object, array or value) or text'),
  })
  .describe('A mock answer used in sandbox conversations instead of calling the API');
export type MockResponse = z.infer<typeof MockResponse>;

/** Timeout of a call when the admin sets none. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Longest timeout an admin may set. */
export const MAX_TIMEOUT_MS = 120_000;

/** Fields an endpoint (action or User Data API) shares. */
const endpointFields = {
  method: HttpMethod,
  url: z
    .string()
    .min(1, 'URL is required')
    .max(2048)
    .describe('URL with {{variable}} placeholders; https:// is added when no scheme is given'),
  auth: Auth.default({ type: 'none' }),
  headers: z.array(KeyValue).max(50).default([]).describe('Extra request headers'),
  query: z.array(KeyValue).max(50).default([]).describe('Query string parameters'),
  body: z
    .string()
    .max(65_536)
    .nullable()
    .default(null)
    .describe('JSON body template; "{{n}}" becomes the typed value of n, e.g. a number for an integer'),
  timeoutMs: z.number().int().min(100).max(MAX_TIMEOUT_MS).default(DEFAULT_TIMEOUT_MS).describe('Timeout of one call in milliseconds (max 120000)'),
  response: ResponseShape.default({ fields: [], maxChars: 4000 }),
};

/** Adds `https://` to a URL written without a scheme. */
export function withScheme(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
}

type Endpoint = {
  url: string;
  headers: KeyValue[];
  query: KeyValue[];
  body: string | null;
  auth: Auth;
};

/** The scheme, host and port part of a URL template (everything before the path). */
function originPart(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?([^/?#]*)/i.exec(url);
  return m ? (m[1] ?? '') + m[2] : url;
}

/**
 * Checks templates, URL and body of an endpoint; `known` says which names are declared,
 * `hasEnum` which declared variables are limited to fixed values.
 */
function checkEndpoint(
  e: Endpoint,
  known: (name: string) => boolean,
  ctx: z.RefinementCtx,
  hasEnum: (name: string) => boolean = () => false,
  connected = false,
): void {
  const unknown = (text: string, path: (string | number)[]) => {
    for (const name of placeholderNames(text)) {
      if (!known(name)) {
        ctx.addIssue({ code: 'custom', path, message: `unknown variable {{${name}}}: declare it or use a context variable` });
      }
    }
  };
  unknown(e.url, ['url']);
  // The model must not choose where the credentials go: a placeholder in the scheme, host
  // or port is allowed only when its variable is limited to fixed values.
  for (const name of placeholderNames(originPart(e.url))) {
    if (!hasEnum(name)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `{{${name}}} decides the host the call goes to: give the variable a fixed list of values (enum) or move it into the path` });
    }
  }
  e.headers.forEach((h, i) => unknown(h.value, ['headers', i, 'value']));
  e.query.forEach((q, i) => unknown(q.value, ['query', i, 'value']));

  // On a connection the URL is a path under its base URL, and the credential is the connection's.
  const isPath = e.url.trimStart().startsWith('/');
  if (connected) {
    if (!isPath) ctx.addIssue({ code: 'custom', path: ['url'], message: 'on a connection the URL is a path starting with "/" (the connection gives the base URL)' });
    if (e.auth.type !== 'none') ctx.addIssue({ code: 'custom', path: ['auth'], message: "an action on a connection uses the connection's auth: leave auth out (or none)" });
  } else if (isPath) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'a path needs a connection: set connectionId, or write the full URL' });
  }

  // A sample render must give an http(s) URL with a host.
  const filled = e.url.replace(/\{\{[^}]*\}\}/g, 'x');
  const sample = connected && isPath ? `https://connection.invalid${filled.trim()}` : withScheme(filled);
  let parsed: URL | undefined;
  try {
    parsed = new URL(sample);
  } catch {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'not a valid URL' });
  }
  if (parsed && parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'URL must use https (or http to an allowed private host)' });
  }
  if (parsed && parsed.username) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'put credentials in Authentication, not in the URL' });
  }

  if (e.body !== null) {
    unknown(e.body, ['body']);
    let tree: unknown;
    try {
      tree = parseBodyTemplate(e.body);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: `body is not valid JSON once its placeholders are filled: ${(err as Error).message}` });
    }
    if (e.auth.type === 'body' && tree !== undefined && (typeof tree !== 'object' || tree === null || Array.isArray(tree))) {
      ctx.addIssue({ code: 'custom', path: ['auth'], message: 'body authentication needs a JSON object body' });
    }
  }
}

/** The MCP tool annotations kept on an imported tool (hints from the remote server, not guarantees). */
export const McpToolAnnotations = z
  .strictObject({
    title: z.string().max(200).optional().describe('Human-readable title of the tool'),
    readOnlyHint: z.boolean().optional().describe('The remote says the tool changes nothing'),
    destructiveHint: z.boolean().optional().describe('The remote says the tool may destroy or overwrite data'),
    idempotentHint: z.boolean().optional().describe('The remote says calling it twice with the same arguments does nothing more'),
    openWorldHint: z.boolean().optional().describe('The remote says the tool reaches outside systems'),
  })
  .describe('Hints of the remote MCP server about a tool');

/** What an action of kind `mcp` calls: one tool of the MCP server at the action's `url`. */
export const McpToolRef = z
  .strictObject({
    toolName: z.string().min(1).max(128).describe('The tool name on the remote MCP server'),
    argumentNames: z
      .record(z.string().max(64), z.string().min(1).max(128))
      .optional()
      .describe('Remote argument name by variable name, for remote names that are not valid variable names'),
    inputSchema: z.record(z.string(), z.unknown()).optional().describe("The remote tool's input JSON Schema as it was listed (kept for reference)"),
    annotations: McpToolAnnotations.optional(),
  })
  .describe('The remote MCP tool an action calls');
export type McpToolRef = z.infer<typeof McpToolRef>;

/** Auth types an MCP server connection may use (sent as HTTP headers on every MCP request). */
const MCP_AUTH_TYPES: ReadonlySet<string> = new Set(['none', 'bearer', 'header']);

/** An action as an admin writes it: one HTTP call the AI can make during a conversation. */
export const ActionInput = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must start with a letter and contain only letters, digits, _ and - (max 64)')
      .describe('Unique name of the action; it is the tool name the AI sees'),
    description: z
      .string()
      .min(10, 'must be at least 10 characters: tell the AI when to use it')
      .max(200, 'must be at most 200 characters')
      .describe('When the AI should use this action'),
    enabled: z.boolean().default(true).describe('Whether the AI may use it'),
    connectionId: z
      .string()
      .min(1)
      .max(100)
      .nullable()
      .optional()
      .describe('Connection whose base URL, auth, headers and timeout the action uses; its url is then a path such as /orders/{{order_number}}'),
    ...endpointFields,
    variables: z.array(Variable).max(30).default([]).describe('Values the AI must collect from the customer'),
    audience: z.enum(['everyone', 'verified']).default('everyone').describe('"verified": hidden from customers who are not identity-verified'),
    requires: z
      .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be an action name'))
      .max(10)
      .default([])
      .describe('Actions that must have succeeded earlier in the same conversation (e.g. verify_customer)'),
    confirm: z.boolean().optional().describe('Ask the customer (or agent) to confirm before calling; default true for POST, PUT, PATCH, DELETE'),
    pinned: z.boolean().default(false).describe('Always offered to the AI, even when the tenant has more actions than are offered at once'),
    mock: MockResponse.nullable().default(null).describe('The answer used instead of the API in sandbox conversations (the playground); null: reads call the API, writes are dry runs'),
    kind: z.enum(['http', 'mcp']).optional().describe('http (default): one HTTP request; mcp: a tool of the MCP server (Streamable HTTP) at `url`, named in `mcp`'),
    mcp: McpToolRef.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.kind === 'mcp') {
      if (!a.mcp) ctx.addIssue({ code: 'custom', path: ['mcp'], message: 'an action of kind mcp names its remote tool in mcp.toolName' });
      if (a.method !== 'POST') ctx.addIssue({ code: 'custom', path: ['method'], message: 'an MCP tool is called with POST' });
      if (a.body !== null) ctx.addIssue({ code: 'custom', path: ['body'], message: 'an MCP tool takes its variables as arguments: no body template' });
      if (!MCP_AUTH_TYPES.has(a.auth.type)) ctx.addIssue({ code: 'custom', path: ['auth'], message: 'an MCP server takes none, bearer or header authentication' });
      if (placeholderNames(a.url).length > 0) ctx.addIssue({ code: 'custom', path: ['url'], message: 'the MCP server URL has no {{placeholders}}' });
    } else if (a.mcp) ctx.addIssue({ code: 'custom', path: ['mcp'], message: 'mcp is only for actions of kind mcp' });
    const declared = new Set<string>();
    a.variables.forEach((v, i) => {
      if (declared.has(v.name)) ctx.addIssue({ code: 'custom', path: ['variables', i, 'name'], message: `duplicate variable ${v.name}` });
      declared.add(v.name);
      if (v.enum && v.default !== undefined && !Array.isArray(v.default) && !v.enum.includes(v.default as string | number)) {
        ctx.addIssue({ code: 'custom', path: ['variables', i, 'default'], message: 'default must be one of enum' });
      }
    });
    const enums = new Set(a.variables.filter((v) => v.enum && !v.isArray).map((v) => v.name));
    checkEndpoint(a, (n) => declared.has(n) || isContextVariable(n), ctx, (n) => enums.has(n), Boolean(a.connectionId));
    if (a.requires.includes(a.name)) ctx.addIssue({ code: 'custom', path: ['requires'], message: 'an action cannot require itself' });
  })
  .transform(({ connectionId, ...a }) => ({ ...a, ...(connectionId ? { connectionId } : {}), confirm: a.confirm ?? WRITE_METHODS.has(a.method) }));
export type ActionInput = z.input<typeof ActionInput>;
/** A validated action with every default filled. */
export type ActionSpec = z.output<typeof ActionInput>;

/** A stored action: the spec plus read-only fields (each save makes a new version). */
export type Action = Stored<ActionSpec> & { version: number };

/**
 * The User Data API: called once per conversation with a verified customer's email; its
 * answer becomes context for the AI. Templates may use context variables only
 * (e.g. `{{contact.email}}`).
 */
export const UserDataApiInput = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Whether to call it for verified customers'),
    ...endpointFields,
    method: z.enum(['GET', 'POST']).default('GET').describe('HTTP method of the call'),
    url: z.string().max(2048).default('').describe('URL, e.g. https://api.example.com/customers?email={{contact.email}}'),
  })
  .superRefine((u, ctx) => {
    if (u.enabled && !u.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'URL is required when enabled' });
    if (u.url) checkEndpoint(u, isContextVariable, ctx);
  });
export type UserDataApiInput = z.input<typeof UserDataApiInput>;
export type UserDataApi = z.output<typeof UserDataApiInput>;

/** The conversation context templates can reference. */
export const ActionContext = z
  .strictObject({
    contact: z
      .strictObject({
        id: z.string().optional().describe('Customer id in the helpdesk'),
        email: z.string().optional().describe('Customer email'),
        first_name: z.string().optional().describe('Customer first name'),
        last_name: z.string().optional().describe('Customer last name'),
        phone_number: z.string().optional().describe('Customer phone number'),
      })
      .default({}),
    agent_name: z.string().optional().describe('Name of the assistant or support agent'),
    channel: z.string().optional().describe('zendesk, intercom, api or playground'),
    conversation_id: z.string().optional().describe('Conversation id'),
    current_datetime: z.string().optional().describe('ISO 8601 date and time of the call'),
    tenant_id: z.string().optional().describe('Tenant the call is made for (identity assertions, OAuth token cache); never a template variable'),
    verified: z.boolean().optional().describe('Whether the helpdesk verified the customer\'s identity (identity_jwt calls need true); never from the model'),
  })
  .describe('Context of the conversation');
export type ActionContext = z.infer<typeof ActionContext>;
