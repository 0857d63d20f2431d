// The notice at the top of the results when the text is not a breast pathology report: not pathology at
// all (nothing was extracted) or another organ's report (no breast stage group). It comes before the
// stage and the fields, because it changes how every one of them must be read.
// Test hooks: data-testid="report-kind-notice", and data-report-kind with the flag code.
import type { Flag } from '../../domain/types';
import { reportKindNotice } from '../present';

export function ReportKindNotice({ flags }: { flags: readonly Flag[] }) {
  const notice = reportKindNotice(flags);
  if (!notice) return null;
  return (
    <div className="message warning report-kind-notice" role="status" data-testid="report-kind-notice" data-report-kind={notice.code}>
      <strong>{notice.headline}</strong>
      <span>{notice.detail}</span>
    </div>
  );
}
