/** A call's outcome: the HTTP status in green or red, else the error type. */
export function StatusBadge({ ok, status, errorType }: { ok: boolean; status: number | null | undefined; errorType?: string | undefined }) {
  const text = [status ?? null, errorType ?? null].filter((x) => x !== null).join(' · ') || (ok ? 'ok' : 'error');
  return (
    <span className={`badge ${ok ? 'badge-ok' : 'badge-error'}`}>
      <span className="visually-hidden">{ok ? 'Succeeded: ' : 'Failed: '}</span>
      {text}
    </span>
  );
}

/** The HTTP method as a small label. */
export function MethodBadge({ method }: { method: string }) {
  return <span className={`method method-${method.toLowerCase()}`}>{method}</span>;
}
