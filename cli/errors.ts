// One readable line for an error, whatever threw it: the AWS SDK's errors carry their code in `name`.

/** `AccessDenied: User … is not authorized …` on one line; the message alone for a plain Error. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const message = err.message.replace(/\s+/g, " ").trim();
  return err.name && err.name !== "Error" ? `${err.name}: ${message}` : message;
}
