// Which tabs of this app are open, so that a tab can tell a batch left over by a closed or reloaded
// page (resume it) from one another open tab is still reading (leave it). Each tab holds a Web Lock
// named after itself for as long as it lives; the browser releases it when the tab goes, however it
// goes (closed, reloaded, crashed), and lists the held locks to any tab of the origin.
import { newId } from './ids';

const PREFIX = 'path-extract-tab:';

/** This tab, for the lifetime of the page. */
export const TAB_ID = newId();

function locks(): LockManager | null {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
}

/** Holds this tab's lock until the page goes; resolves once it is held (at once without Web Locks). */
export function holdTabLock(): Promise<void> {
  const manager = locks();
  if (!manager) return Promise.resolve();
  return new Promise((held) => {
    void manager.request(`${PREFIX}${TAB_ID}`, () => {
      held();
      return new Promise<never>(() => undefined);
    });
  });
}

/** The open tabs of this app, this one included; null where the browser has no Web Locks (plain http). */
export async function livingTabs(): Promise<Set<string> | null> {
  const manager = locks();
  if (!manager) return null;
  const { held = [] } = await manager.query();
  return new Set(held.flatMap((lock) => (lock.name?.startsWith(PREFIX) ? [lock.name.slice(PREFIX.length)] : [])));
}
