// Deterministic FHIR ids: the same record always exports to the same resource ids, so a re-export
// updates rather than duplicates in a receiving server, and golden files stay stable. The id is a
// UUID-shaped hash of the record id and the resource kind (version 8, RFC 9562's "custom" UUID), so it
// can stand in urn:uuid: fullUrls. FNV-1a is not cryptographic; it only needs to spread distinct
// inputs: the 128 bits come from four 32-bit passes with different seeds, each finished with
// MurmurHash3's mixer so that inputs differing in their last character ("…/pT", "…/pN") differ everywhere.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over the string's UTF-16 code units, starting from `seed`. */
export function fnv1a(input: string, seed = FNV_OFFSET): number {
  let hash = seed >>> 0;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash;
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A UUID-shaped (v8) hash of `key`, e.g. "3b8f1c2a-9d4e-8f01-a2b3-c4d5e6f70819". */
export function hashUuid(key: string): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += fmix32(fnv1a(key, fnv1a(String(i)))).toString(16).padStart(8, '0');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The id of one resource exported for a record, e.g. resourceId(id, 'Observation/pT'). */
export function resourceId(recordId: string, kind: string): string {
  return hashUuid(`${recordId}/${kind}`);
}

export function urnUuid(id: string): string {
  return `urn:uuid:${id}`;
}
