// Names and numbers of the browser history, in one place. The database schema itself (stores,
// indexes, version) is the list of migrations in db.ts; these are only the names it uses.

/** The IndexedDB database of the app: report history now, model packages later. */
export const DB_NAME = 'path-extract';

/** Report records (ReportRecord), keyed by their id. */
export const REPORTS_STORE = 'reports';
/** Index on `createdAt` (ISO 8601 UTC strings, so string order is time order): newest first. */
export const BY_CREATED = 'by-created';
/** Index on the file name. */
export const BY_NAME = 'by-name';

/**
 * Reserved for the model store (downloaded model packages, another issue): the same database, so
 * adding it is one migration step in db.ts, `(db) => { db.createObjectStore(MODELS_STORE, …) }`.
 * Nothing creates it yet.
 */
export const MODELS_STORE = 'models';

/** JavaScript strings are UTF-16: two bytes a code unit, which is how browsers roughly store them. */
export const BYTES_PER_CHAR = 2;
