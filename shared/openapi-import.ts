import { z } from 'zod';
import { HttpMethod, KeyValue, Variable } from './action';

/** Most bytes of an OpenAPI document, as text or fetched; larger ones answer 413. */
export const OPENAPI_MAX_BYTES = 5 * 1024 * 1024;

const DocumentField = z
  .union([z.string().min(1, 'document must not be empty'), z.record(z.string(), z.unknown())])
  .describe('The OpenAPI / Swagger document: JSON or YAML text, or the parsed object');
const UrlField = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .describe('Where to fetch the document from (through the network guard)');

const oneSource = (v: { document?: unknown; url?: unknown }, ctx: z.RefinementCtx) => {
  if ((v.document === undefined) === (v.url === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['document'], message: 'give exactly one of document or url' });
  }
};

/** `POST /v1/imports/openapi`: what to preview. */
export const OpenApiImportRequest = z
  .strictObject({ document: DocumentField.optional(), url: UrlField.optional() })
  .superRefine(oneSource)
  .describe('An OpenAPI document to preview, given inline or by URL');
export type OpenApiImportRequest = z.infer<typeof OpenApiImportRequest>;

/**
 * The auth a preview proposes for the connection: the scheme's shape with every secret
 * empty, for the admin to fill in before apply.
 */
export const ImportedAuth = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('none').describe('No authentication (or none the import could map)') }),
    z.strictObject({ type: z.literal('bearer').describe('Authorization: Bearer <token>'), token: z.literal('').describe('Empty: the admin fills it in') }),
    z.strictObject({
      type: z.literal('basic').describe('HTTP Basic authentication'),
      username: z.literal('').describe('Empty: the admin fills it in'),
      password: z.literal('').describe('Empty: the admin fills it in'),
    }),
    z.strictObject({
      type: z.literal('header').describe('An API key in a header'),
      name: z.string().min(1).max(256).describe('Header name from the security scheme'),
      value: z.literal('').describe('Empty: the admin fills it in'),
    }),
    z.strictObject({
      type: z.literal('query').describe('An API key in a query parameter'),
      name: z.string().min(1).max(256).describe('Query parameter name from the security scheme'),
      value: z.literal('').describe('Empty: the admin fills it in'),
    }),
    z.strictObject({
      type: z.literal('oauth2_client_credentials').describe('OAuth2 client credentials grant'),
      tokenUrl: z.string().max(2048).describe('Token endpoint from the security scheme'),
      clientId: z.literal('').describe('Empty: the admin fills it in'),
      clientSecret: z.literal('').describe('Empty: the admin fills it in'),
      scope: z.string().max(2048).optional().describe('Space-separated scopes the flow declares'),
    }),
  ])
  .describe('Authentication the connection would use; secrets are empty');
export type ImportedAuth = z.infer<typeof ImportedAuth>;

/** The connection an import would create. */
export const ImportedConnection = z
  .strictObject({
    name: z.string().min(1).max(100).describe('Connection name, from the document title'),
    baseUrl: z.string().max(2048).describe('Base URL from servers (3.x) or host + basePath + schemes (2.0); empty when the document has none'),
    auth: ImportedAuth,
  })
  .describe('The connection the import would create');
export type ImportedConnection = z.infer<typeof ImportedConnection>;

/** Where an action variable comes from in the document. */
export const VariableSource = z
  .strictObject({
    variable: z.string().describe('The action variable name'),
    in: z.enum(['path', 'query', 'header', 'body']).describe('Where the value goes in the request'),
    name: z.string().describe('Original name: the parameter name, or the dot path of the body property'),
  })
  .describe('Maps a sanitised variable name to the original parameter or body property');
export type VariableSource = z.infer<typeof VariableSource>;

/** One operation of the document, as the action it would become. */
export const ImportedOperation = z
  .strictObject({
    key: z.string().describe('`METHOD /path`: identifies the operation for apply'),
    name: z.string().describe('Tool name: valid, unique in the tenant and the document'),
    method: HttpMethod,
    path: z.string().describe('The path as the document writes it, e.g. /pets/{petId}'),
    url: z.string().describe('The action URL relative to the connection base URL, e.g. /pets/{{petId}}'),
    description: z.string().min(10).max(200).describe('From summary/description'),
    variables: z.array(Variable).describe('Values the AI collects'),
    sources: z.array(VariableSource).describe('Original name of each variable'),
    query: z.array(KeyValue).describe('Query parameters with {{variable}} values'),
    headers: z.array(KeyValue).describe('Header parameters with {{variable}} values'),
    body: z.string().nullable().describe('JSON body template, or null'),
    confirm: z.boolean().describe('Whether a call needs confirmation: true for every method but GET'),
    warnings: z.array(z.string()).describe('What could not be mapped'),
  })
  .describe('An operation the import would create an action for');
export type ImportedOperation = z.infer<typeof ImportedOperation>;

/** The preview: nothing is saved. */
export const OpenApiPreview = z
  .strictObject({
    title: z.string().describe('info.title'),
    specVersion: z.enum(['2.0', '3.0', '3.1']).describe('Swagger / OpenAPI version of the document'),
    connection: ImportedConnection,
    operations: z.array(ImportedOperation).describe('Every importable operation'),
    warnings: z.array(z.string()).describe('Document-level warnings and skipped operations'),
  })
  .describe('What an import would create');
export type OpenApiPreview = z.infer<typeof OpenApiPreview>;

/** `POST /v1/imports/openapi/apply`: the chosen operations and the connection's real auth. */
export const OpenApiApplyRequest = z
  .strictObject({
    document: DocumentField.optional(),
    url: UrlField.optional(),
    operations: z.array(z.string().min(1).max(2100)).min(1, 'choose at least one operation').max(500).describe('Keys of the operations to import'),
    connection: z
      .strictObject({
        name: z.string().min(1).max(100).optional().describe('Overrides the proposed name'),
        baseUrl: z.string().max(2048).optional().describe('Overrides the proposed base URL'),
        auth: z.unknown().describe('The connection auth with its secrets; validated by the connection schema'),
      })
      .describe('The connection to create'),
  })
  .superRefine(oneSource)
  .describe('Creates the connection and the chosen actions');
export type OpenApiApplyRequest = z.infer<typeof OpenApiApplyRequest>;
