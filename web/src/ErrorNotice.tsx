import type { ApiError } from './requestGraphQL';

/**
 * Shows what failed, one line per error, each with its `extensions.code` so that a person can report
 * it and a developer can look it up in docs/errors.md. Announced to screen readers as it appears.
 */
export function ErrorNotice({ error, title }: { error: ApiError; title: string }) {
  return (
    <div className="error" role="alert">
      <p className="error-title">{title}</p>
      <ul>
        {error.details.map((detail, i) => (
          <li key={i}>
            <code className="error-code">{detail.code}</code> {detail.message}
            {detail.field ?? detail.path ? (
              <>
                {' '}
                (<code>{detail.field ?? detail.path}</code>)
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
