/** Fields the server owns on a stored document: returned by the API, ignored on PUT. */
export const READ_ONLY_FIELDS = ['id', 'version', 'createdAt', 'updatedAt', 'tenantId'] as const;
export type ReadOnlyField = (typeof READ_ONLY_FIELDS)[number];

/** A stored document: the validated spec plus the fields the server owns. */
export type Stored<Spec> = Spec & {
  id: string;
  createdAt: string;
  updatedAt: string;
};

/** The spec part of a stored document (or of a body that echoes one): a copy without the server's fields. */
export function specOf<T extends object>(doc: T): Omit<T, ReadOnlyField> {
  const copy = { ...doc } as Record<string, unknown>;
  for (const f of READ_ONLY_FIELDS) delete copy[f];
  return copy as Omit<T, ReadOnlyField>;
}
