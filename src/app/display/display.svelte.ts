/**
 * The display settings as rune state: text size and theme (kept in localStorage), projector mode
 * (kept in the address: `#/?projector`). `apply()` writes them onto the document's root element,
 * where app.css reads them: `data-theme` (light, dark, or none to follow the system),
 * `--text-scale`, and `data-projector`.
 */
import {
  DEFAULT_DISPLAY,
  DISPLAY_KEY,
  addressWithProjector,
  parseDisplay,
  projectorRequested,
  serializeDisplay,
  stepTextSize,
  type Theme,
} from './display';

/** Where settings are kept and applied: the browser's, or fakes in tests. */
export interface DisplayHost {
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  root: HTMLElement;
  location: { pathname: string; search: string; hash: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
}

function browserHost(): DisplayHost {
  let storage: DisplayHost['storage'] = null;
  try {
    storage = window.localStorage;
  } catch {
    // Storage can be refused (a privacy setting, a file:// page in some browsers): settings then last a visit.
  }
  return { storage, root: document.documentElement, location: window.location, history: window.history };
}

export class DisplaySettings {
  #host: DisplayHost;
  #theme = $state<Theme>(DEFAULT_DISPLAY.theme);
  #textSize = $state(DEFAULT_DISPLAY.textSize);
  #projector = $state(false);

  constructor(host: DisplayHost = browserHost()) {
    this.#host = host;
    let stored: string | null = null;
    try {
      stored = host.storage?.getItem(DISPLAY_KEY) ?? null;
    } catch {
      stored = null;
    }
    const display = parseDisplay(stored);
    this.#theme = display.theme;
    this.#textSize = display.textSize;
    this.#projector = projectorRequested(host.location.search, host.location.hash) ?? false;
    this.apply();
  }

  get theme(): Theme {
    return this.#theme;
  }

  set theme(value: Theme) {
    this.#theme = value;
    this.#save();
  }

  /** Percent of the normal text size. */
  get textSize(): number {
    return this.#textSize;
  }

  set textSize(value: number) {
    this.#textSize = value;
    this.#save();
  }

  bigger(): void {
    this.textSize = stepTextSize(this.#textSize, 1);
  }

  smaller(): void {
    this.textSize = stepTextSize(this.#textSize, -1);
  }

  get projector(): boolean {
    return this.#projector;
  }

  /** Turns projector mode on or off, and says so in the address (no navigation, no history entry). */
  set projector(on: boolean) {
    this.#projector = on;
    const { location, history } = this.#host;
    history.replaceState(null, '', addressWithProjector(location, on));
    this.apply();
  }

  /** The address changed (a link to `#/?projector`): follow it. */
  follow(): void {
    const requested = projectorRequested(this.#host.location.search, this.#host.location.hash);
    if (requested !== null && requested !== this.#projector) {
      this.#projector = requested;
      this.apply();
    }
  }

  /** Writes the settings onto the root element. */
  apply(): void {
    const root = this.#host.root;
    if (this.#theme === 'auto') delete root.dataset['theme'];
    else root.dataset['theme'] = this.#theme;
    root.style.setProperty('--text-scale', String(this.#textSize / 100));
    if (this.#projector) root.dataset['projector'] = '';
    else delete root.dataset['projector'];
  }

  #save(): void {
    this.apply();
    try {
      this.#host.storage?.setItem(DISPLAY_KEY, serializeDisplay({ theme: this.#theme, textSize: this.#textSize }));
    } catch {
      // Full or refused storage: the setting still holds for this visit.
    }
  }
}

/** The page's one instance (App.svelte and the playground share it). */
let shared: DisplaySettings | null = null;
export function displaySettings(): DisplaySettings {
  shared ??= new DisplaySettings();
  return shared;
}
