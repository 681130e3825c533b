/** Request headers as a definition list (values as the server sent them: secrets already masked). */
export function HeaderList({ headers, label }: { headers: [string, string][]; label?: string }) {
  return (
    <dl className="header-list" aria-label={label}>
      {headers.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            <code>{v}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}
