import { jsonProblem, mayBeUnusableJson, MAX_JSON_DEPTH, parseBody } from '../../server/src/net';

/**
 * `mayBeUnusableJson` lets a typical answer skip the tree walk; it must never let through a tree
 * that `jsonProblem` refuses.
 */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

test.each([
  ['flat object', '{"status":"shipped","items":[{"sku":"A"},{"sku":"B"}]}', false],
  [`${MAX_JSON_DEPTH} levels`, nested(MAX_JSON_DEPTH), false],
  [`${MAX_JSON_DEPTH + 1} levels`, nested(MAX_JSON_DEPTH + 1), true],
  ['a lone surrogate escape', '{"a":"\\ud800"}', true],
  ['a surrogate pair escape (valid, still walked)', '{"a":"\\ud83d\\ude00"}', true],
  ['brackets inside strings only', `{"a":"${'['.repeat(100)}"}`, true],
])('%s', (_name, text, flagged) => {
  expect(mayBeUnusableJson(text)).toBe(flagged);
  if (!flagged) expect(jsonProblem(JSON.parse(text))).toBeNull();
});

test('never says "fine" for a tree jsonProblem refuses (random trees up to 70 levels)', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const gen = (depth: number): unknown => {
    if (depth <= 0) return ['x', 1, null, '\ud800', 'ok'][rand(5)];
    return rand(2) ? [gen(depth - 1), rand(3) ? gen(rand(depth)) : 0] : { k: gen(depth - 1) };
  };
  for (let i = 0; i < 300; i++) {
    const text = JSON.stringify(gen(rand(70)));
    if (jsonProblem(JSON.parse(text)) !== null) expect(mayBeUnusableJson(text)).toBe(true);
  }
});

test('parseBody still refuses what the walk refuses', () => {
  expect(parseBody(Buffer.from(nested(MAX_JSON_DEPTH + 1)), 'application/json')).toMatchObject({ ok: false, message: expect.stringContaining('nested deeper') });
  expect(parseBody(Buffer.from('{"a":"\\udc00"}'), 'application/json')).toMatchObject({ ok: false, message: expect.stringContaining('lone surrogate') });
  expect(parseBody(Buffer.from('{"a":"\\udc00"}'), undefined)).toMatchObject({ ok: false });
  expect(parseBody(Buffer.from('{"a":[1,2]}'), 'application/json')).toEqual({ ok: true, data: { a: [1, 2] }, text: '{"a":[1,2]}' });
});
