// The service worker that makes the app work offline (vite.config.ts, `offlineApp`): registered once
// at start; when a new version has been downloaded it waits, and the page offers it (UpdateBanner)
// rather than reloading under the user — never in the middle of a batch.
import { registerSW } from 'virtual:pwa-register';
import { notify, store } from '../../store';

let applyUpdate: ((reload?: boolean) => Promise<void>) | null = null;

export function startServiceWorker(): void {
  // Service workers need a secure context (https, or localhost); plain http on an intranet runs without.
  if (!('serviceWorker' in navigator) || !window.isSecureContext) {
    store.set({ offline: 'unsupported' });
    return;
  }
  applyUpdate = registerSW({
    immediate: true,
    onNeedRefresh: () => store.set({ updateReady: true }),
    onOfflineReady: () => store.set({ offline: 'ready' }),
    onRegisteredSW: (_url, registration) => {
      // A page that is already controlled was made ready offline on an earlier visit.
      if (registration?.active && navigator.serviceWorker.controller) store.set({ offline: 'ready' });
    },
    onRegisterError: (e: unknown) => {
      store.set({ offline: 'failed' });
      notify('warning', `The app could not be installed for offline use (${e instanceof Error ? e.message : String(e)}); it works while this server can be reached.`);
    },
  });
}

/** Activates the waiting version and reloads into it. */
export function installUpdate(): void {
  void applyUpdate?.(true);
}
