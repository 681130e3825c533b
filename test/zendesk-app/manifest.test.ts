import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { dirFiles, overlayFiles, pngSize, validateApp, validateAppDir, type AppFiles } from './manifest-rules';

const APP_DIR = path.join(__dirname, '..', '..', 'app-zendesk');
const manifest = JSON.parse(fs.readFileSync(path.join(APP_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
const files = dirFiles(APP_DIR);

type Param = Record<string, unknown>;

/** A deep copy of the real manifest, changed by `edit`. */
function brokenManifest(edit: (m: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = structuredClone(manifest);
  edit(copy);
  return copy;
}

function params(m: Record<string, unknown>): Param[] {
  return m.parameters as Param[];
}

function param(m: Record<string, unknown>, name: string): Param {
  const found = params(m).find((p) => p.name === name);
  if (!found) throw new Error(`no parameter ${name}`);
  return found;
}

/** Errors for a broken copy; the copy must fail and the message must say why. */
function errorsFor(m: unknown, appFiles: AppFiles = files): string[] {
  return validateApp(m, appFiles).errors;
}

/** Minimal valid PNG header bytes of a given size (IHDR only is enough for the size check). */
function pngOfSize(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(13);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    len,
    Buffer.from('IHDR'),
    ihdr,
    Buffer.alloc(4),
    zlib.deflateSync(Buffer.alloc(0)),
  ]);
}

describe('Zendesk app manifest (offline validation against Zendesk rules)', () => {
  it('the app in app-zendesk/ passes every rule', () => {
    const result = validateAppDir(APP_DIR);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('declares what the sidebar needs', () => {
    expect(manifest).toMatchObject({
      name: 'API Actions AI',
      defaultLocale: 'en',
      private: true,
      frameworkVersion: '2.0',
      version: '1.0.0',
      location: { support: { ticket_sidebar: { url: 'assets/sidebar.html', flexible: true } } },
    });
    expect(param(manifest, 'backend_url')).toMatchObject({ type: 'url', required: true, secure: false });
    const token = param(manifest, 'api_token');
    expect(token).toMatchObject({ type: 'text', required: true, secure: true, scopes: ['header'] });
    expect(token).not.toHaveProperty('default');
    expect((manifest.domainWhitelist as string[]).length).toBeGreaterThan(0);
  });

  it('has English translations with app text and a label and help text per setting', () => {
    const en = JSON.parse(fs.readFileSync(path.join(APP_DIR, 'translations', 'en.json'), 'utf8'));
    for (const key of ['name', 'short_description', 'long_description', 'installation_instructions']) {
      expect(typeof en.app[key]).toBe('string');
      expect(en.app[key].length).toBeGreaterThan(0);
    }
    for (const name of ['backend_url', 'api_token']) {
      expect(en.app.parameters[name].label).toEqual(expect.any(String));
      expect(en.app.parameters[name].helpText).toEqual(expect.any(String));
    }
  });

  it('ships logos at the sizes Zendesk requires (read from the PNG IHDR)', () => {
    expect(pngSize(files.read('assets/logo.png'))).toEqual({ width: 320, height: 320 });
    expect(pngSize(files.read('assets/logo-small.png'))).toEqual({ width: 128, height: 128 });
    expect(files.read('assets/logo.svg')?.toString('utf8')).toMatch(/^<svg /);
  });

  it('sidebar.html loads the ZAF SDK 2.0 and then sidebar.js', () => {
    const html = files.read('assets/sidebar.html')?.toString('utf8') ?? '';
    const sdk = html.indexOf('https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js');
    const own = html.indexOf('src="sidebar.js"');
    expect(sdk).toBeGreaterThan(0);
    expect(own).toBeGreaterThan(sdk);
  });

  describe('rejects broken copies', () => {
    const cases: Array<[string, (m: Record<string, unknown>) => void, RegExp]> = [
      ['frameworkVersion "1.0"', (m) => { m.frameworkVersion = '1.0'; }, /1\.0 is not a valid framework version/],
      ['no frameworkVersion', (m) => { delete m.frameworkVersion; }, /Missing required field in manifest: frameworkVersion/],
      ['no author', (m) => { delete m.author; }, /Missing required field in manifest: author/],
      ['author without email', (m) => { (m.author as Param).email = 'nobody'; }, /author\.email/],
      ['author url not a URL', (m) => { (m.author as Param).url = 'company page'; }, /author url/],
      ['no name', (m) => { delete m.name; }, /Missing required field in manifest: name/],
      ['no defaultLocale', (m) => { delete m.defaultLocale; }, /Missing required field in manifest: defaultLocale/],
      ['defaultLocale without translation file', (m) => { m.defaultLocale = 'fr'; }, /Missing translation file for locale 'fr'/],
      ['no location', (m) => { delete m.location; }, /Missing required field in manifest: location/],
      ['unknown location', (m) => { m.location = { support: { ticket_sidbar: { url: 'assets/sidebar.html' } } }; }, /invalid location/],
      ['unknown host', (m) => { m.location = { desk: { ticket_sidebar: 'assets/sidebar.html' } }; }, /invalid host/],
      ['location on plain http', (m) => { m.location = { support: { ticket_sidebar: { url: 'http://example.com/app' } } }; }, /HTTPS/],
      ['location asset that does not exist', (m) => { m.location = { support: { ticket_sidebar: { url: 'assets/missing.html' } } }; }, /missing asset/],
      ['location asset outside assets/', (m) => { m.location = { support: { ticket_sidebar: { url: 'manifest.json' } } }; }, /missing asset/],
      ['flexible not a boolean', (m) => { m.location = { support: { ticket_sidebar: { url: 'assets/sidebar.html', flexible: 'yes' } } }; }, /flexible must be a boolean/],
      ['unknown top-level key', (m) => { m.sidebarWidth = 300; }, /Unknown manifest key: sidebarWidth/],
      ['private not a boolean', (m) => { m.private = 'true'; }, /private must be a boolean/],
      ['secret-looking parameter not secure', (m) => { param(m, 'api_token').secure = false; delete param(m, 'api_token').scopes; }, /api_token looks like a secret/],
      ['secret named parameter not secure', (m) => { params(m).push({ name: 'webhook_secret', type: 'text' }); }, /webhook_secret looks like a secret/],
      ['secure parameter with a default', (m) => { param(m, 'api_token').default = 'abc'; }, /must not have a default/],
      ['secure parameter without scopes', (m) => { delete param(m, 'api_token').scopes; }, /api_token: secure parameters need a non-empty "scopes"/],
      ['secure parameter with empty scopes', (m) => { param(m, 'api_token').scopes = []; }, /api_token: secure parameters need a non-empty "scopes"/],
      ['secure parameters without domainWhitelist', (m) => { delete m.domainWhitelist; }, /Secure parameters need a domainWhitelist/],
      ['domainWhitelist entry with a scheme', (m) => { m.domainWhitelist = ['https://actions.example.com/']; }, /bare host name/],
      ['invalid parameter type', (m) => { param(m, 'backend_url').type = 'link'; }, /link is an invalid parameter type/],
      ['parameter called name', (m) => { params(m).push({ name: 'name', type: 'text' }); }, /Can't call a parameter 'name'/],
      ['duplicate parameter', (m) => { params(m).push({ name: 'backend_url', type: 'url' }); }, /Duplicate app parameters defined: backend_url/],
      ['required hidden parameter', (m) => { params(m).push({ name: 'flag', type: 'hidden', required: true }); }, /hidden and cannot be required/],
      ['helpText in the manifest', (m) => { param(m, 'backend_url').helpText = 'x'; }, /belong in translations/],
      ['parameter without a translated label', (m) => { params(m).push({ name: 'region', type: 'text' }); }, /app\.parameters\.region\.label/],
    ];
    it.each(cases)('%s', (_label, edit, expected) => {
      const errors = errorsFor(brokenManifest(edit));
      expect(errors.join('\n')).toMatch(expected);
    });

    it('a logo at the wrong size', () => {
      const broken = overlayFiles(files, { 'assets/logo.png': pngOfSize(300, 300) });
      expect(errorsFor(manifest, broken)).toContain('assets/logo.png must be 320x320px, got 300x300');
    });

    it('a logo that is not a PNG', () => {
      const broken = overlayFiles(files, { 'assets/logo-small.png': Buffer.from('<svg/>') });
      expect(errorsFor(manifest, broken)).toContain('assets/logo-small.png is not a PNG file');
    });

    it('a missing logo.svg', () => {
      const broken = overlayFiles(files, { 'assets/logo.svg': null });
      expect(errorsFor(manifest, broken)).toContain('assets/logo.svg is missing');
    });

    it('translations without app.name', () => {
      const broken = overlayFiles(files, { 'translations/en.json': Buffer.from('{"app": {"parameters": {}}}') });
      expect(errorsFor(manifest, broken).join('\n')).toMatch(/app\.name/);
    });

    it('a public app without marketplace descriptions', () => {
      const broken = overlayFiles(files, { 'translations/en.json': Buffer.from('{"app": {"name": "X"}}') });
      const errors = errorsFor({ ...manifest, private: false }, broken).join('\n');
      expect(errors).toMatch(/app\.short_description/);
      expect(errors).toMatch(/app\.installation_instructions/);
    });

    it('a translation file that is not JSON', () => {
      const broken = overlayFiles(files, { 'translations/de.json': Buffer.from('{nope') });
      expect(errorsFor(manifest, broken)).toContain('translations/de.json is not a valid JSON object');
    });
  });
});
