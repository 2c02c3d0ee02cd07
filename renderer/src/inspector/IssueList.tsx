import type { GraphIssue } from '../../../shared/graph/issues';

export function IssueList({ issues, title = 'Problems' }: { issues: readonly GraphIssue[]; title?: string }) {
  if (issues.length === 0) return null;
  return (
    <section className="issues" aria-label={title}>
      <h3 className="issues__title">{title}</h3>
      <ul>
        {issues.map((i, k) => (
          <li key={`${i.code}-${k}`} className={`issue is-${i.severity}`}>
            <span className="issue__msg">{i.message}</span>
            <span className="issue__fix">{i.fix}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
