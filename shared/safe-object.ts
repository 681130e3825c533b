/**
 * Helpers for building objects from untrusted keys (JSON from the model, an API or a
 * template). Plain assignment `o[key] = v` with key `__proto__` would replace the
 * prototype; defining the property never does.
 */

/** Sets an own, enumerable data property, whatever the key (including `__proto__`). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Only `__proto__` has a setter on a plain object; every other key assigns an own property.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** True for a plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The own property `key` of `obj`, or undefined; never reads the prototype chain. */
export function getOwn(obj: unknown, key: string): unknown {
  return isPlainObject(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined;
}
