import type { WeightsReport } from '../../../shared/training/weights-report';
import { weightsReportLine } from '../../../shared/training/weights-report';

/** What a run started from another run's weights took from it: loaded, fresh and dropped layers, with why. */
export function WeightsReportView({ report }: { report: WeightsReport }) {
  const list = (title: string, kind: string, items: readonly { layer: string; nodeId: string; reason?: string }[]) =>
    items.length > 0 ? (
      <div className={`weights-report__group weights-report__group--${kind}`}>
        <h4>
          {title} ({items.length})
        </h4>
        <ul aria-label={title}>
          {items.map((i) => (
            <li key={`${kind}-${i.nodeId}`} title={i.reason ?? 'weights loaded'}>
              <code>{i.layer}</code>
              {i.reason ? <span className="muted small"> — {i.reason}</span> : null}
            </li>
          ))}
        </ul>
      </div>
    ) : null;
  return (
    <section className="weights-report" aria-label="Weights from the backbone" data-testid="weights-report">
      <h3 className="panel-subtitle">
        Weights from run <code>{report.fromRunId}</code>: {weightsReportLine(report)}
      </h3>
      <div className="weights-report__groups">
        {list('Loaded', 'loaded', report.loaded)}
        {list('Fresh', 'fresh', report.fresh)}
        {list('Dropped', 'dropped', report.dropped)}
      </div>
    </section>
  );
}
