// Files can be dropped anywhere on the page: an overlay says so while they are dragged over it, and
// every drop gets an answer (files queued, or why nothing was). Text dragged into the report box
// keeps the browser's own behaviour.
import { useEffect, useState } from 'react';
import { SUPPORTED_TYPES } from '../../../ingest/detect';
import { notify } from '../../store';
import { importModel, isPackageDrop } from '../model/models';
import { addFiles } from '../queue/runner';
import { filesOfDrop } from './collect';

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

function intoTextBox(event: DragEvent): boolean {
  return event.target instanceof HTMLTextAreaElement && !carriesFiles(event);
}

export function DropTarget() {
  const [over, setOver] = useState(false);
  useEffect(() => {
    // dragenter/dragleave fire for every child crossed; counting them tells when the pointer leaves the page.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth += 1;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const dragOver = (e: DragEvent) => {
      if (intoTextBox(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = carriesFiles(e) ? 'copy' : 'none';
    };
    const drop = (e: DragEvent) => {
      depth = 0;
      setOver(false);
      if (intoTextBox(e)) return;
      // Without this the browser would open the dropped PDF in place of the page, and the batch would be lost.
      e.preventDefault();
      if (!e.dataTransfer || !carriesFiles(e)) {
        notify('warning', `Nothing was added: the drop held no files. Drop ${SUPPORTED_TYPES} files, or a folder of them.`);
        return;
      }
      void filesOfDrop(e.dataTransfer).then(
        (files) => {
          if (files.length === 0) notify('warning', 'Nothing was added: the dropped folder holds no files.');
          // A model package (its manifest.json, or a .zip) goes to the model store, not to the batch.
          else if (isPackageDrop(files)) void importModel(files);
          else addFiles(files);
        },
        (err: unknown) => notify('error', `The dropped files could not be read (${err instanceof Error ? err.message : String(err)}).`),
      );
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', dragOver);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', dragOver);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return over ? (
    <div className="drop-overlay" aria-hidden="true" data-testid="drop-overlay">
      <p>Drop reports to add them to the batch</p>
      <p className="drop-hint">{SUPPORTED_TYPES}, or a folder</p>
    </div>
  ) : null;
}
