/**
 * A refusal whose sentence is read in the page's language each time it is shown: `message` is a
 * getter over a message function, so a notice kept in state follows the header's language switch.
 */
export function refusal(message: () => string): { ok: false; readonly message: string } {
  return {
    ok: false,
    get message() {
      return message();
    },
  };
}
