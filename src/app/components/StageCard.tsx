// The AJCC 8th anatomic stage group, or "cannot be staged" with its reason and the M0 group if any.
// data-stage carries the group so tests and scripts can read it without parsing text.
import type { StageResult } from '../../domain/types';
import { stageSummary } from '../present';

export function StageCard({ stage }: { stage: StageResult }) {
  const s = stageSummary(stage);
  return (
    <div className={s.staged ? 'stage-card staged' : 'stage-card unstaged'} data-stage={s.group} data-if-m0={s.ifM0}>
      <div className="stage-label">AJCC stage group</div>
      <div className="stage-group">{s.staged ? `Stage ${s.group}` : 'Cannot be staged'}</div>
      <div className="stage-detail">{s.detail}</div>
      {s.ifM0 && (
        <div className="stage-if-m0">
          If M0: <strong>Stage {s.ifM0}</strong>
        </div>
      )}
    </div>
  );
}
