/**
 * "Watch through Framescope": for a URL that is not this page's server, whether the page connects
 * through `/proxy` (and sees the frames) or straight to it (messages only). The page asks the
 * server whether the target is allowed as the URL is typed (debounced), and watching is on by
 * default when it is; a user who turns it off keeps it off for that target.
 */
import * as m from '../../../paraglide/messages.js';
import { foreignTarget, proxyCheckUrl, readCheck, type PageLocation, type ProxyCheck } from './target';

/** Asks `url` and gives back the status and the JSON body (null when it is not JSON). */
export type CheckFetch = (url: string) => Promise<{ status: number; body: unknown }>;

const browserFetch: CheckFetch = async (url) => {
  const response = await fetch(url, { cache: 'no-store' });
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { status: response.status, body };
};

export class ProxyChoice {
  readonly #location: PageLocation;
  readonly #fetch: CheckFetch;
  readonly #delay: number;
  #check = $state.raw<ProxyCheck>({ state: 'none' });
  /** The user's choice per target (absent: the default, on when allowed). */
  #choices = $state.raw<Readonly<Record<string, boolean>>>({});
  #timer: ReturnType<typeof setTimeout> | null = null;
  #asked = '';

  constructor(location: PageLocation, options: { fetch?: CheckFetch; delay?: number } = {}) {
    this.#location = location;
    this.#fetch = options.fetch ?? browserFetch;
    this.#delay = options.delay ?? 300;
  }

  get check(): ProxyCheck {
    return this.#check;
  }

  /** Connect through the proxy? Only ever when the target is allowed. */
  get watch(): boolean {
    const check = this.#check;
    if (check.state !== 'allowed') return false;
    return this.#choices[check.target] ?? true;
  }

  set watch(value: boolean) {
    const check = this.#check;
    if (check.state === 'none') return;
    this.#choices = { ...this.#choices, [check.target]: value };
  }

  /** The URL field changed: check its target after a pause in typing. */
  update(text: string): void {
    const target = foreignTarget(text, this.#location);
    const current = this.#check;
    if (target !== null && current.state !== 'none' && current.target === target) return; // asked, or being asked
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (target === null) {
      this.#asked = '';
      this.#check = { state: 'none' };
      return;
    }
    this.#check = { state: 'checking', target };
    this.#timer = setTimeout(() => void this.#ask(target), this.#delay);
  }

  /** Check `text`'s target now (Connect pressed), unless its answer is already known. */
  async ensure(text: string): Promise<ProxyCheck> {
    const target = foreignTarget(text, this.#location);
    if (target === null) {
      this.#check = { state: 'none' };
      return this.#check;
    }
    const known = this.#check;
    if ((known.state === 'allowed' || known.state === 'refused') && known.target === target) return known;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    return this.#ask(target);
  }

  async #ask(target: string): Promise<ProxyCheck> {
    this.#asked = target;
    const url = proxyCheckUrl(this.#location, target);
    let result: ProxyCheck;
    if (url === null) {
      result = {
        state: 'unavailable',
        target,
        get reason() {
          return m.playground_proxy_not_served();
        },
      };
    } else {
      try {
        const { status, body } = await this.#fetch(url);
        result = readCheck(target, status, body);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        result = {
          state: 'unavailable',
          target,
          get reason() {
            return m.playground_proxy_ask_failed({ message: why });
          },
        };
      }
    }
    // A newer target may have been typed meanwhile: only the latest answer counts.
    if (this.#asked === target) this.#check = result;
    return result;
  }

  destroy(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
