// The pure side of `doctor`: links from reads, and the diagnosis (first broken link, exit code).
import { expect } from "chai";
import { classifyDocument } from "../../cli/auditRows";
import { execFileSync } from "node:child_process";
import {
  diagnose,
  doctorLinks,
  getentCommand,
  nodeUserLink,
  type CellRead,
  type DoctorReads,
  type NodeUserRead,
} from "../../cli/doctorLinks";

const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-6804a3c7d1e2f5b9";
const ACCOUNT = "111111111111";
const compliantDocument = classifyDocument(
  ACCOUNT,
  "eu-west-1",
  {
    kind: "found",
    default: { version: "1", content: '{"inputs":{"runAsEnabled":true,"runAsDefaultUser":"ssm-fallback"}}' },
    latest: { version: "1", content: '{"inputs":{"runAsEnabled":true,"runAsDefaultUser":"ssm-fallback"}}' },
  },
  "ssm-fallback",
);
const healthyCell: CellRead = {
  expectedUser: "ssm-fallback",
  document: compliantDocument,
  managementAccount: false,
};

function reads(overrides: Partial<DoctorReads> = {}): DoctorReads {
  return {
    entra: {
      kind: "read",
      value: { attribute: "mailNickname", user: { userPrincipalName: "alice@example.com", value: "alice" } },
    },
    identityCenter: {
      kind: "read",
      value: {
        instanceArn: INSTANCE_ARN,
        abac: { enabled: true, attributes: [{ key: "SSMSessionRunAs", source: "${path:nickName}" }] },
      },
    },
    identityUser: {
      kind: "read",
      value: { userName: "alice", userId: "u-1", source: "${path:nickName}", value: "alice" },
    },
    cell: { kind: "read", value: healthyCell },
    ...overrides,
  };
}

const verdicts = (links: { link: string; verdict: string }[]) =>
  Object.fromEntries(links.map(({ link, verdict }) => [link, verdict]));

describe("cli: doctor links", () => {
  it("a healthy chain: every link OK, exit 0, the session user", () => {
    const links = doctorLinks(reads(), "alice");
    expect(Object.values(verdicts(links))).to.deep.equal(Array(8).fill("OK"));
    expect(diagnose(links)).to.deep.equal({
      exitCode: 0,
      firstBroken: null,
      sessionUser: "alice",
      conclusion: "sessions start as `alice`",
    });
  });

  it("an unreadable ABAC configuration skips the session tag for that reason, not as if nothing were mapped", () => {
    const links = doctorLinks(
      reads({ identityCenter: { kind: "failed", reason: "Region is missing" } }),
      "alice",
    );
    expect(links.find(({ link }) => link === "session-tag")).to.deep.include({
      verdict: "SKIPPED",
      detail: "the ABAC configuration could not be read",
    });
    expect(diagnose(links).exitCode).to.equal(2);
  });

  it("the first BROKEN link in chain order decides, whatever breaks after it", () => {
    const links = doctorLinks(
      reads({
        identityUser: {
          kind: "read",
          value: { userName: "alice", userId: "u-1", source: "${path:nickName}", value: "Alice" },
        },
        cell: {
          kind: "read",
          value: { ...healthyCell, guardrail: { status: "UNGUARDED", detail: "not attached: x" } },
        },
      }),
      "alice",
    );
    // Entra ID's value differs from the identity store's: worth a look, not a failure.
    expect(verdicts(links)).to.include({
      "identity-store": "WARN",
      "session-tag": "BROKEN",
      guardrail: "BROKEN",
    });
    const diagnosis = diagnose(links);
    expect([diagnosis.exitCode, diagnosis.firstBroken]).to.deep.equal([1, "session-tag"]);
  });

  it("a link that could not be read before any broken one: exit 2, 'cannot tell'", () => {
    const links = doctorLinks(
      reads({ identityCenter: { kind: "failed", reason: "AccessDeniedException: no" } }),
      "alice",
    );
    expect(verdicts(links)).to.include({ abac: "ERROR" });
    expect(diagnose(links)).to.include({
      exitCode: 2,
      firstBroken: "abac",
      conclusion: "cannot tell: abac could not be read: AccessDeniedException: no",
    });
  });

  it("the management account's UNGUARDED is a WARN, as the audit passes it", () => {
    const guardrail = { status: "UNGUARDED" as const, detail: "the management account" };
    const links = doctorLinks(
      reads({ cell: { kind: "read", value: { ...healthyCell, guardrail, managementAccount: true } } }),
      "alice",
    );
    expect(verdicts(links).guardrail).to.equal("WARN");
    expect(diagnose(links).exitCode).to.equal(0);
  });

  it("break-glass: the document link says sessions start as ssm-user by design", () => {
    const document = {
      ...compliantDocument,
      status: "BREAK_GLASS" as const,
      detail: "runAsEnabled is false",
    };
    const links = doctorLinks(
      reads({ cell: { kind: "read", value: { ...healthyCell, document } } }),
      "alice",
    );
    const link = links.find(({ link: name }) => name === "document");
    expect(link).to.include({ verdict: "BROKEN", detail: "BREAK_GLASS: runAsEnabled is false" });
    expect(link?.fix).to.match(/^break-glass is on/);
  });

  describe("node-user (--instance --run-command)", () => {
    const answer = (fields: Partial<NodeUserRead>) =>
      nodeUserLink({
        kind: "read",
        value: { instanceId: "i-1", user: "alice", status: "Success", stdout: "", stderr: "", ...fields },
      });

    it("getent's answers, as GetCommandInvocation reports them (AWS API reference shapes)", () => {
      expect(answer({ responseCode: 0, stdout: "alice:x:1001:1001::/home/alice:/bin/bash\n" })).to.include({
        verdict: "OK",
        detail: "i-1 knows alice: alice:x:1001:1001::/home/alice:/bin/bash",
      });
      // getent exits 2 when the key is not in the database; Run Command reports the script Failed.
      const missing = answer({ status: "Failed", statusDetails: "Failed", responseCode: 2 });
      expect(missing).to.include({ verdict: "BROKEN", value: "alice" });
      expect(missing.detail).to.equal(
        "no user alice on i-1 (getent passwd exit 2): sessions there fail to start as alice",
      );
      expect(answer({ status: "TimedOut", statusDetails: "DeliveryTimedOut", responseCode: -1 })).to.include({
        verdict: "ERROR",
        detail: "Run Command on i-1: TimedOut, DeliveryTimedOut, -1",
      });
      expect(nodeUserLink(undefined).verdict).to.equal("SKIPPED");
    });

    it("quotes the user for the shell, whatever it holds", () => {
      const output = (user: string) =>
        execFileSync("sh", ["-c", getentCommand(user).replace(/^getent passwd /, "printf %s ")], {
          encoding: "utf8",
        });
      expect(getentCommand("alice")).to.equal("getent passwd 'alice'");
      for (const user of ["alice", "a'b", "$(id)", "a b; rm -rf /"]) expect(output(user)).to.equal(user);
    });
  });
});
