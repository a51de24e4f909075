// The shell script the fallback-user association runs on every Linux managed node: it creates the fallback user
// when no account of that name resolves (local, LDAP or SSSD alike), and does nothing otherwise. Pure: the
// user in, the script's lines out. The user is the only varying part, set once on the first line inside single
// quotes, and only a name that passes the session-user rule gets there.
import { sessionUserProblem } from "../../policypack/rules/values";

/**
 * Everything after the user's line. `$user` without braces, so CloudFormation's Fn::Sub (which replaces only
 * `${…}`) passes the lines through untouched. No password is set (`useradd` locks the account) and no group
 * is added, so no sudo: the session, not a password, is the way in.
 */
const SCRIPT_BODY: readonly string[] = [
  'if id -u "$user" >/dev/null 2>&1; then',
  '  echo "ssm-runas-sync: $user exists, nothing to do"',
  "  exit 0",
  "fi",
  "if command -v useradd >/dev/null 2>&1; then",
  // `|| exit` ends with useradd's own status: State Manager then reports the node as failed, not compliant.
  '  useradd --create-home "$user" || exit',
  "elif command -v adduser >/dev/null 2>&1; then",
  // BusyBox (Alpine): -D creates the user with no password.
  '  adduser -D "$user" || exit',
  "else",
  '  echo "ssm-runas-sync: neither useradd nor adduser on this node, cannot create $user" >&2',
  "  exit 1",
  "fi",
  'echo "ssm-runas-sync: created $user"',
];

/** The user's line: single-quoted, so the shell expands nothing in it. */
export const userLine = (user: string): string => `user='${user}'`;

/** The script's lines for `user`; refuses, before rendering, a name that is not a session's Linux user. */
export function fallbackUserScriptLines(user: string): string[] {
  const problem = sessionUserProblem(user);
  if (problem) throw new Error(`fallback user ${JSON.stringify(user)}: ${problem}`);
  return [userLine(user), ...SCRIPT_BODY];
}

/**
 * The same lines for a template whose user is a parameter: CloudFormation substitutes `${parameter}` on the
 * first line, after checking the value against the parameter's AllowedPattern (the same session-user rule).
 */
export function fallbackUserTemplateCommands(parameter: string): [{ "Fn::Sub": string }, ...string[]] {
  return [{ "Fn::Sub": userLine(`\${${parameter}}`) }, ...SCRIPT_BODY];
}
