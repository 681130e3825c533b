import { AppError, ValidationError } from '../../server/src/errors';
import { previewOpenApi } from '../../server/src/imports/openapi';

const opts = { existingNames: new Set<string>() };

/** Runs the preview and answers the typed error it throws (fails when it does not throw). */
async function failure(input: { document?: string | object; url?: string }, o: Parameters<typeof previewOpenApi>[1] = opts): Promise<AppError> {
  try {
    await previewOpenApi(input, o);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected the preview to fail');
}

const minimal = (extra: object) => ({ openapi: '3.0.3', info: { title: 'T', version: '1' }, ...extra });

describe('OpenAPI import refuses bad documents with a typed error', () => {
  it('not OpenAPI: a JSON object without openapi/swagger, plain text, an unsupported version, no paths', async () => {
    const notOas = await failure({ document: '{"hello": "world"}' });
    expect(notOas).toBeInstanceOf(ValidationError);
    expect(notOas.status).toBe(400);
    expect(notOas.details).toEqual([{ path: 'document', message: 'not an OpenAPI document: it has no "openapi" or "swagger" field' }]);

    const text = await failure({ document: 'just some words' });
    expect(text.details?.[0]?.path).toBe('document');

    const broken = await failure({ document: '{"openapi": "3.0.0", "paths": {' });
    expect(broken.details?.[0]?.message).toMatch(/^neither JSON nor YAML/);

    const v4 = await failure({ document: { openapi: '4.0.0', paths: {} } });
    expect(v4.details).toEqual([{ path: 'openapi', message: 'unsupported OpenAPI version 4.0.0: use 3.0.x or 3.1.x' }]);

    const sw12 = await failure({ document: { swagger: '1.2', paths: {} } });
    expect(sw12.details?.[0]?.path).toBe('swagger');

    const noPaths = await failure({ document: minimal({}) });
    expect(noPaths.details).toEqual([{ path: 'paths', message: 'the document has no paths object' }]);
  });

  it('a broken internal $ref names where it is written', async () => {
    const doc = minimal({ paths: { '/a': { get: { parameters: [{ $ref: '#/components/parameters/missing' }], responses: {} } } } });
    const err = await failure({ document: doc });
    expect(err.code).toBe('validation_failed');
    expect(err.details?.[0]?.path).toBe('paths./a.get.parameters.0.$ref');
    expect(err.details?.[0]?.message).toMatch(/broken \$ref.*#\/components\/parameters\/missing/);
  });

  it('external $refs are refused without fetchText (no file or network access by the library)', async () => {
    const doc = minimal({
      paths: {
        '/a': { get: { parameters: [{ $ref: 'https://evil.example/params.yaml#/P' }], responses: {} } },
        '/b': { get: { parameters: [{ $ref: '/etc/passwd' }], responses: {} } },
        '/c': { get: { parameters: [{ $ref: './local.yaml' }], responses: {} } },
      },
    });
    const err = await failure({ document: doc });
    expect(err.status).toBe(400);
    expect(err.details).toEqual(
      expect.arrayContaining([
        { path: 'paths./a.get.parameters.0.$ref', message: 'external $ref "https://evil.example/params.yaml#/P" is not allowed' },
        { path: 'paths./b.get.parameters.0.$ref', message: 'external $ref "/etc/passwd" is not allowed' },
        { path: 'paths./c.get.parameters.0.$ref', message: 'external $ref "./local.yaml" is not allowed' },
      ]),
    );
    // With fetchText, a relative or file ref of an inline document still has no base to resolve against.
    const fetched: string[] = [];
    const withFetch = await failure({ document: minimal({ paths: { '/b': { get: { parameters: [{ $ref: '/etc/passwd' }], responses: {} } } } }) }, {
      existingNames: new Set(),
      fetchText: async (u) => {
        fetched.push(u);
        return '';
      },
    });
    expect(withFetch.details?.[0]?.message).toBe('external $ref "/etc/passwd" is not allowed');
    expect(fetched).toEqual([]);
  });

  it('circular schemas terminate (self, mutual, and through allOf)', async () => {
    const doc = minimal({
      paths: {
        '/tree': {
          post: {
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } },
            responses: {},
          },
        },
      },
      components: {
        schemas: {
          A: { type: 'object', properties: { name: { type: 'string' }, b: { $ref: '#/components/schemas/B' }, self: { $ref: '#/components/schemas/A' } } },
          B: { allOf: [{ $ref: '#/components/schemas/A' }, { type: 'object', properties: { extra: { type: 'integer' } } }] },
        },
      },
    });
    const p = await previewOpenApi({ document: doc }, opts);
    const tree = p.operations[0]!;
    expect(tree.variables.length).toBeGreaterThan(0);
    expect(tree.variables.length).toBeLessThanOrEqual(30);
    expect(tree.warnings.join('\n')).toMatch(/nested too deep/);
  });

  it('an allOf fan-out on a cycle is bounded, not exponential', async () => {
    const self = { $ref: '#/components/schemas/Fan' };
    const doc = minimal({
      paths: { '/fan': { put: { requestBody: { content: { 'application/json': { schema: self } } }, responses: {} } } },
      components: { schemas: { Fan: { type: 'object', properties: { x: { type: 'string' }, next: self }, allOf: Array(50).fill(self) } } },
    });
    const p = await previewOpenApi({ document: doc }, opts);
    const fan = p.operations[0]!;
    expect(fan.variables.map((v) => v.name)).toContain('x');
    expect(fan.warnings).toContain('the body schema is too complex to read whole: parts of it are left out');
  });

  it('over 5 MB of text is a 413 too_large, before parsing', async () => {
    const big = `openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-padding: "${'x'.repeat(5 * 1024 * 1024)}"\n`;
    const err = await failure({ document: big });
    expect(err.code).toBe('too_large');
    expect(err.status).toBe(413);
    // Multi-byte text counts in bytes, not characters.
    const wide = await failure({ document: `openapi: 3.0.0\nx: "${'é'.repeat(2.7 * 1024 * 1024)}"\n` });
    expect(wide.status).toBe(413);
  });

  it('a YAML alias bomb ("billion laughs") is refused without expanding it', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n${levels.join('\n')}\n`;
    const err = await failure({ document: bomb });
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.details?.[0]?.message).toMatch(/too many YAML aliases/);
  });

  it('a few ordinary YAML anchors and aliases are fine', async () => {
    const doc = [
      'openapi: 3.0.3',
      'info: {title: Aliases, version: "1"}',
      'x-id: &id {name: id, in: path, required: true, schema: {type: integer}}',
      'paths:',
      '  /a/{id}: {get: {summary: Get an a by id, parameters: [*id], responses: {}}}',
      '  /b/{id}: {get: {summary: Get a b by id, parameters: [*id], responses: {}}}',
    ].join('\n');
    const p = await previewOpenApi({ document: doc }, opts);
    expect(p.operations.map((o) => o.url)).toEqual(['/a/{{id}}', '/b/{{id}}']);
    expect(p.operations[0]!.variables[0]).toMatchObject({ name: 'id', type: 'integer', required: true });
  });

  it('a url without a fetcher, and a fetch that fails, are 400s', async () => {
    const noFetch = await failure({ url: 'https://api.example.com/openapi.json' });
    expect(noFetch.details?.[0]?.path).toBe('url');
    const down = await failure({ url: 'https://api.example.com/openapi.json' }, { existingNames: new Set(), fetchText: async () => Promise.reject(new Error('connection refused')) });
    expect(down.details).toEqual([{ path: 'url', message: 'could not fetch the document: connection refused' }]);
  });
});
