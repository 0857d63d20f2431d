// Names and numbers of the browser history, in one place. The database schema itself (stores,
// indexes, version) is the list of migrations in db.ts; these are only the names it uses.

/** The IndexedDB database of the app: report history, model packages and settings. */
export const DB_NAME = 'path-extract';

/** Report records (ReportRecord), keyed by their id. */
export const REPORTS_STORE = 'reports';
/** Index on `createdAt` (ISO 8601 UTC strings, so string order is time order): newest first. */
export const BY_CREATED = 'by-created';
/** Index on the file name. */
export const BY_NAME = 'by-name';

/**
 * Model packages (models.ts), from version 2: one small record per package (ModelRecord: the
 * manifest and which variants are stored), keyed by `${id}@${version}` (modelKey in models.ts).
 */
export const MODELS_STORE = 'models';
/**
 * The packages' files (ModelFileRecord), keyed by [package key, file path]: apart from the records so
 * that listing packages never reads tens of megabytes of ONNX weights.
 */
export const MODEL_FILES_STORE = 'model-files';
/** Small app settings ({ name, value }), keyed by name. */
export const SETTINGS_STORE = 'settings';
/** The setting that names the default model package (its key). */
export const DEFAULT_MODEL_SETTING = 'defaultModel';
/**
 * Files of a batch not read yet (pending.ts), from version 3: kept until their report is in history, so a
 * reload or a crashed tab loses no file of a batch. Keyed by the job's id.
 */
export const PENDING_STORE = 'pending-files';
