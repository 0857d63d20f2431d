// Windows over a long report, identical to model-export/model_export/data.py: windows of
// max_length - 1 tokens starting every `stride` tokens (until one reaches the end), each after BOS.

export function windowStarts(nTokens: number, maxLength: number, stride: number): number[] {
  if (maxLength < 2) throw new Error('max_length must leave room for BOS and one token');
  if (!(stride > 0 && stride <= maxLength - 1)) throw new Error(`stride must be in 1..${maxLength - 1} so that windows leave no gap`);
  const body = maxLength - 1;
  const starts = [0];
  while (starts[starts.length - 1]! + body < nTokens) starts.push(starts[starts.length - 1]! + stride);
  return starts;
}

export interface Windows {
  starts: number[];
  /** Token ids per window, BOS first. */
  ids: number[][];
}

export function makeWindows(ids: readonly number[], bosId: number, maxLength: number, stride: number): Windows {
  const starts = windowStarts(ids.length, maxLength, stride);
  return { starts, ids: starts.map((s) => [bosId, ...ids.slice(s, s + maxLength - 1)]) };
}
