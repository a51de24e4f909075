// The fallback-user script as the association runs it: under shellcheck (installed by testing/shellcheck.ts where
// missing), then for real with sh against stand-in `id`, `useradd` and `adduser` commands on PATH that keep a
// user list in a file and record every call.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  fallbackUserScriptLines,
  fallbackUserTemplateCommands,
} from "../../../components/runShell/fallbackUserScript";
import { shellcheck } from "../../../testing/shellcheck";

/** Stand-ins that know the users listed in $USERS and append each call to $CALLS. */
const STUBS: Record<string, string> = {
  id: 'echo "id $*" >>"$CALLS"; grep -qx "$2" "$USERS" && echo 1001',
  useradd: 'echo "useradd $*" >>"$CALLS"; for a; do last=$a; done; echo "$last" >>"$USERS"',
  adduser: 'echo "adduser $*" >>"$CALLS"; for a; do last=$a; done; echo "$last" >>"$USERS"',
};

function stubNode(without: string[] = [], replaced: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fallback-user-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  // Only the commands a script needs besides the stubs, so that a missing useradd is really missing.
  for (const tool of ["sh", "grep", "cat"]) {
    const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
    fs.symlinkSync(found, path.join(bin, tool));
  }
  for (const [name, body] of Object.entries({ ...STUBS, ...replaced })) {
    if (without.includes(name)) continue;
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  const users = path.join(dir, "users");
  const calls = path.join(dir, "calls");
  fs.writeFileSync(users, "root\n");
  fs.writeFileSync(calls, "");
  const runScript = (script: string) =>
    spawnSync(path.join(bin, "sh"), ["-c", script], {
      env: { PATH: bin, USERS: users, CALLS: calls },
      encoding: "utf8",
    });
  const read = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
  return {
    run: runScript,
    users: () => read(users),
    calls: () => read(calls),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const script = (user: string) => `${fallbackUserScriptLines(user).join("\n")}\n`;

describe("the fallback-user script", () => {
  it("is clean under shellcheck (POSIX sh)", async function () {
    this.timeout(900_000);
    const found = await shellcheck();
    if (!found.ok) throw new Error(`shellcheck is needed: ${found.reason}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fallback-user-lint-"));
    const file = path.join(dir, "script.sh");
    fs.writeFileSync(file, script("ec2-user"));
    const lint = spawnSync(found.executablePath, ["--shell=sh", "--severity=style", file], {
      encoding: "utf8",
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(lint.stdout + lint.stderr).to.equal("");
    expect(lint.status).to.equal(0);
  });

  it("creates the user once, with a home directory and no password or group option", () => {
    const node = stubNode();
    try {
      const first = node.run(script("ec2-user"));
      expect(first.status, first.stderr).to.equal(0);
      expect(first.stdout).to.equal("ssm-runas-sync: created ec2-user\n");
      expect(node.users()).to.deep.equal(["root", "ec2-user"]);
      expect(node.calls()).to.deep.equal(["id -u ec2-user", "useradd --create-home ec2-user"]);
    } finally {
      node.remove();
    }
  });

  it("run twice, the second run only looks: the user exists", () => {
    const node = stubNode();
    try {
      expect(node.run(script("ops")).status).to.equal(0);
      const second = node.run(script("ops"));
      expect(second.status).to.equal(0);
      expect(second.stdout).to.equal("ssm-runas-sync: ops exists, nothing to do\n");
      expect(node.calls()).to.deep.equal(["id -u ops", "useradd --create-home ops", "id -u ops"]);
      expect(node.users()).to.deep.equal(["root", "ops"]);
    } finally {
      node.remove();
    }
  });

  it("uses BusyBox's adduser where there is no useradd, and fails in one line where there is neither", () => {
    const busybox = stubNode(["useradd"]);
    const bare = stubNode(["useradd", "adduser"]);
    try {
      expect(busybox.run(script("ops")).status).to.equal(0);
      expect(busybox.calls()).to.deep.equal(["id -u ops", "adduser -D ops"]);
      const failed = bare.run(script("ops"));
      expect(failed.status).to.equal(1);
      expect(failed.stderr).to.equal(
        "ssm-runas-sync: neither useradd nor adduser on this node, cannot create ops\n",
      );
      expect(bare.users()).to.deep.equal(["root"]);
    } finally {
      busybox.remove();
      bare.remove();
    }
  });

  it("fails with useradd's status when useradd fails (e.g. a group of that name exists), never says created", () => {
    const node = stubNode([], {
      useradd: 'echo "useradd $*" >>"$CALLS"; echo "useradd: group ops exists" >&2; exit 9',
    });
    try {
      const failed = node.run(script("ops"));
      expect(failed.status).to.equal(9);
      expect(failed.stdout).to.equal("");
      expect(failed.stderr).to.equal("useradd: group ops exists\n");
      expect(node.users()).to.deep.equal(["root"]);
    } finally {
      node.remove();
    }
  });

  for (const bad of ["root", "x'; touch /tmp/pwned; '", "$(reboot)", "Admin", "a b", ""]) {
    it(`refuses ${JSON.stringify(bad)} before rendering: it never reaches a script`, () => {
      expect(() => fallbackUserScriptLines(bad)).to.throw(/^fallback user .*: /);
    });
  }

  it("the template's commands are the same lines, the user from the parameter through Fn::Sub", () => {
    const [first, ...rest] = fallbackUserTemplateCommands("RunAsDefaultUser");
    const [userLine, ...body] = fallbackUserScriptLines("ec2-user");
    expect(first).to.deep.equal({ "Fn::Sub": "user='${RunAsDefaultUser}'" });
    expect(userLine).to.equal("user='ec2-user'");
    expect(rest).to.deep.equal(body);
    // Fn::Sub replaces every ${…}: the body must hold none, or CloudFormation would try to resolve it.
    expect(rest.join("\n")).not.to.include("${");
  });
});
