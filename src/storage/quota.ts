// The StorageManager (navigator.storage), where the environment has one: browsers in a secure
// context. Node (the unit tests) and old browsers have none, so every answer may be null.

function storageManager(): StorageManager | null {
  return typeof navigator !== 'undefined' && navigator.storage ? navigator.storage : null;
}

/** Bytes this origin uses and may use, as the browser estimates them; nulls when it cannot say. */
export async function estimate(): Promise<{ usage: number | null; quota: number | null }> {
  try {
    const e = await storageManager()?.estimate?.();
    return { usage: e?.usage ?? null, quota: e?.quota ?? null };
  } catch {
    // An estimate is only for display; failing to get one must not hide the error it explains.
    return { usage: null, quota: null };
  }
}

/** Whether the browser has promised not to evict this origin's data; null when it cannot say. */
export async function persisted(): Promise<boolean | null> {
  try {
    return (await storageManager()?.persisted?.()) ?? null;
  } catch {
    return null;
  }
}

/** Asks the browser not to evict the history under storage pressure; null when it cannot be asked. */
export async function persist(): Promise<boolean | null> {
  try {
    // Pages only: workers have no persist() (and their type for StorageManager says so).
    const manager = storageManager() as (StorageManager & { persist?: () => Promise<boolean> }) | null | undefined;
    return (await manager?.persist?.()) ?? null;
  } catch {
    return null;
  }
}
