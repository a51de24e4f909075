// The Linux user-name rule the stack config applies to runAsDefaultUser, for values the CLI reads or is given.
import { LINUX_USER_PATTERN } from "../components/stackConfig";

/** Why `name` cannot be a session's Linux user, or undefined when it can. */
export function linuxUserNameProblem(name: string): string | undefined {
  if (!LINUX_USER_PATTERN.test(name))
    return `not a Linux user name (must match ${LINUX_USER_PATTERN.source})`;
  if (name === "root") return "root: sessions would run as the superuser";
  return undefined;
}
