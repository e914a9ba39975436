/** A subscriber's command that cannot be carried out: answered with an `error` message saying why. */
export class CommandError extends Error {}
