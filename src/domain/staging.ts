// AJCC 8th edition anatomic stage group for breast cancer from T, N and M categories.
// Pure function: unknown inputs give "cannot be staged" with the reason, never a guess.
import type { Label } from './schema';
import type { StageGroup, StageResult } from './types';

type KnownT = 'Tis' | 'T0' | 'T1' | 'T2' | 'T3' | 'T4';
type KnownN = 'N0' | 'N1mi' | 'N1' | 'N2';

// Rows of the AJCC 8th anatomic stage table for M0 and N0–N2 (N3 is IIIC for any T; M1 is IV).
// T1 includes T1mi. N1mi separates IB from IIA only for T0/T1; with T2–T4 it groups as N1.
// Combinations the table does not list (Tis with nodes, T0 N0) stay absent: they cannot be staged.
const M0_TABLE: { [T in KnownT]: Partial<Record<KnownN, StageGroup>> } = {
  Tis: { N0: '0' },
  T0: { N1mi: 'IB', N1: 'IIA', N2: 'IIIA' },
  T1: { N0: 'IA', N1mi: 'IB', N1: 'IIA', N2: 'IIIA' },
  T2: { N0: 'IIA', N1mi: 'IIB', N1: 'IIB', N2: 'IIIA' },
  T3: { N0: 'IIB', N1mi: 'IIIA', N1: 'IIIA', N2: 'IIIA' },
  T4: { N0: 'IIIB', N1mi: 'IIIB', N1: 'IIIB', N2: 'IIIB' },
};

function groupForM0(t: Label<'pT'>, n: Label<'pN'>): StageGroup | string {
  if (n === 'N3') return 'IIIC';
  if (t === 'TX' || t === 'not_stated') return `T is ${t === 'TX' ? 'TX (cannot be assessed)' : 'not stated'}`;
  if (n === 'NX' || n === 'not_stated') return `N is ${n === 'NX' ? 'NX (cannot be assessed)' : 'not stated'}`;
  return M0_TABLE[t][n] ?? `${t} ${n} is not a combination of the AJCC table`;
}

const STAGE_GROUPS: readonly string[] = ['0', 'IA', 'IB', 'IIA', 'IIB', 'IIIA', 'IIIB', 'IIIC', 'IV'];

function isStageGroup(x: string): x is StageGroup {
  return STAGE_GROUPS.includes(x);
}

export function stageGroup(t: Label<'pT'>, n: Label<'pN'>, m: Label<'pM'>): StageResult {
  if (m === 'M1') return { group: 'IV', basis: { T: t, N: n, M: m } };
  const ifM0 = groupForM0(t, n);
  if (m === 'M0') {
    return isStageGroup(ifM0)
      ? { group: ifM0, basis: { T: t, N: n, M: m } }
      : { group: 'cannot be staged', reason: ifM0 };
  }
  const reason = `M is ${m === 'MX' ? 'MX (cannot be assessed)' : 'not stated'}`;
  return isStageGroup(ifM0)
    ? { group: 'cannot be staged', reason, ifM0 }
    : { group: 'cannot be staged', reason: `${reason}; ${ifM0}` };
}
