// Offers the files an earlier page queued and never read (a reload, a closed tab, a crash in the middle
// of a batch): resume them, or discard them. Their finished reports are in history already.
import { formatBytes } from '../../../storage/errors';
import { useApp } from '../../store';
import { discardLeftOver, resumeLeftOver } from './runner';

export function ResumeOffer() {
  const leftOver = useApp((s) => s.leftOver);
  if (!leftOver) return null;
  const { files, bytes } = leftOver;
  return (
    <p className="message warning resume-offer" role="status" data-testid="resume-offer" data-files={files}>
      {files === 1 ? '1 file' : `${files} files`} ({formatBytes(bytes)}) of an earlier batch {files === 1 ? 'was' : 'were'} not read: the page was
      closed or reloaded before {files === 1 ? 'its turn' : 'their turn'}. Reports already finished are in history.{' '}
      <button type="button" className="button" onClick={() => void resumeLeftOver()} data-testid="resume-batch">
        Resume
      </button>{' '}
      <button type="button" className="button secondary" onClick={discardLeftOver} data-testid="discard-batch">
        Discard
      </button>
    </p>
  );
}
