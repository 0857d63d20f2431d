// A list of flags (low-positive receptors, conflicts, pending biomarkers…) with their messages.
// Used for report-level flags and, compactly, under the field a flag belongs to.
import type { Flag } from '../../domain/types';
import { flagTitle } from '../present';

export function FlagList({ flags, heading, compact = false }: { flags: readonly Flag[]; heading?: string; compact?: boolean }) {
  return (
    <div className={compact ? 'flags compact' : 'flags'}>
      {heading && <h3>{heading}</h3>}
      <ul>
        {flags.map((f, i) => (
          <li key={`${f.code}-${i}`} className="flag" data-flag={f.code}>
            <span className="flag-title">{flagTitle(f.code)}</span>
            {f.message && <span className="flag-message">{f.message}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
