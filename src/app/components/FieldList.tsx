// Every schema field in schema order, one FieldRow each with its review mark, reasons and flags.
// Each row carries data-field and data-value (the raw label, e.g. "not_stated") for tests and scripts.
import type { Extraction } from '../../domain/types';
import { FIELDS, type FieldName } from '../../domain/schema';
import { rowReview } from '../present';
import type { HighlightControls } from './EvidenceButton';
import { FieldRow } from './FieldRow';

interface Props extends HighlightControls {
  extraction: Extraction;
  /** Present when the report can be corrected. */
  onCorrect?: (field: FieldName, value: string) => void;
}

export function FieldList({ extraction, onCorrect, ...controls }: Props) {
  return (
    <ul className="field-list" aria-label="Extracted fields">
      {FIELDS.map((spec) => {
        const result = extraction.fields[spec.name];
        const correct = onCorrect && ((value: string) => onCorrect(spec.name, value));
        return <FieldRow key={spec.name} spec={spec} result={result} review={rowReview(spec.name, result, extraction.flags)} onCorrect={correct} {...controls} />;
      })}
    </ul>
  );
}
