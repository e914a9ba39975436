/**
 * Puts text on the clipboard, or says it could not. Browsers give `navigator.clipboard` only to a
 * secure context (https, or http on localhost): a student's laptop opening the teacher's
 * `http://192.168.1.20:5173` has none, and a file:// page may be refused too. So "could not" is
 * the common case in a classroom, and the caller then shows the text selected in a box to copy
 * by hand (CopyMenu.svelte).
 */
export interface ClipboardHost {
  readonly isSecureContext?: boolean;
  readonly navigator?: { clipboard?: { writeText(text: string): Promise<void> } };
}

/** True when the text is on the clipboard; false when the browser refused or has no clipboard here. */
export async function writeClipboard(text: string, host: ClipboardHost = globalThis as ClipboardHost): Promise<boolean> {
  const clipboard = host.navigator?.clipboard;
  if (host.isSecureContext === false || !clipboard || typeof clipboard.writeText !== 'function') return false;
  try {
    await clipboard.writeText(text);
    return true;
  } catch {
    // NotAllowedError (no permission, the page not focused) or any other refusal.
    return false;
  }
}
