// The audit's pure core while break-glass is on: RunAs off is the intended state (BREAK_GLASS, passing), RunAs
// still on is a rollout not done yet (BREAK_GLASS_PENDING), and the writer must reconcile to RunAs off.
import { expect } from "chai";
import { Command } from "commander";
import { BREAK_GLASS_DOCUMENT_NOTE, withChecks, writerFinding, writerProblems } from "../../cli/auditChecks";
import { auditExitCode, classifyDocument, type AuditRow, type DocumentRead } from "../../cli/auditRows";
import { expectationOf, runAsDisabledContradiction } from "../../cli/options";
import { parseStackConfig } from "../../config/schema";
import { runShellContent, type SeededDocument } from "../../testing/seedOrganization";
import { exampleRawConfig } from "../support/exampleStacks";

const USER = "ssm-fallback";
const ARN = "arn:aws:lambda:eu-west-1:111111111111:function:ssm-runas-sync-writer";

function found(defaultDocument: SeededDocument | string, latest?: SeededDocument | string): DocumentRead {
  const content = (document: SeededDocument | string) =>
    typeof document === "string" ? document : runShellContent(document);
  return {
    kind: "found",
    default: { version: "1", content: content(defaultDocument) },
    latest:
      latest === undefined
        ? { version: "1", content: content(defaultDocument) }
        : { version: "2", content: content(latest) },
  };
}

const breakGlass = (read: DocumentRead) => classifyDocument("111111111111", "eu-west-1", read, USER, false);

describe("cli: the audit in break-glass", () => {
  describe("the document", () => {
    it("RunAs off is BREAK_GLASS, whatever the fallback user, and so is RunAs left unset", () => {
      expect(breakGlass(found({ runAsEnabled: false, runAsDefaultUser: USER }))).to.deep.include({
        status: "BREAK_GLASS",
        detail: "runAsEnabled is false, as break-glass intends",
        runAsEnabled: false,
      });
      expect(breakGlass(found({ runAsEnabled: false, runAsDefaultUser: "" })).status).to.equal("BREAK_GLASS");
      const unset = JSON.stringify({ schemaVersion: "1.0", sessionType: "Standard_Stream", inputs: {} });
      expect(breakGlass(found(unset))).to.deep.include({
        status: "BREAK_GLASS",
        detail: "runAsEnabled is not set, as break-glass intends",
      });
    });

    it("RunAs still on is BREAK_GLASS_PENDING, with any user", () => {
      for (const runAsDefaultUser of [USER, "ec2-user"]) {
        expect(breakGlass(found({ runAsEnabled: true, runAsDefaultUser }))).to.deep.include({
          status: "BREAK_GLASS_PENDING",
          detail: "runAsEnabled is true: break-glass has not reached it yet",
        });
      }
    });

    it("a missing document, an unreadable one and a latest version that differs are judged as always", () => {
      expect(breakGlass({ kind: "missing" }).status).to.equal("MISSING");
      expect(breakGlass({ kind: "failed", reason: "GetDocument: AccessDenied" }).status).to.equal("ERROR");
      const split = breakGlass(
        found(
          { runAsEnabled: false, runAsDefaultUser: USER },
          { runAsEnabled: true, runAsDefaultUser: USER },
        ),
      );
      expect(split.status).to.equal("LATEST_DIFFERS");
      const sameValues = breakGlass(
        found(
          { runAsEnabled: false, runAsDefaultUser: USER },
          { runAsEnabled: false, runAsDefaultUser: USER, format: "YAML" },
        ),
      );
      expect(sameValues.status).to.equal("BREAK_GLASS");
    });

    it("without break-glass the same documents are RUNAS_DISABLED and COMPLIANT, as before", () => {
      const read = found({ runAsEnabled: false, runAsDefaultUser: USER });
      expect(classifyDocument("1", "r", read, USER).status).to.equal("RUNAS_DISABLED");
      expect(
        classifyDocument("1", "r", found({ runAsEnabled: true, runAsDefaultUser: USER }), USER).status,
      ).to.equal("COMPLIANT");
    });
  });

  describe("the writer", () => {
    const writer = (enabled: string) => ({
      function: {
        arn: ARN,
        state: "Active",
        environment: { RUN_AS_ENABLED: enabled, RUN_AS_DEFAULT_USER: USER },
      },
      functionArn: ARN,
      rules: ["ssm-runas-sync-reconcile-on-change", "ssm-runas-sync-reconcile-daily"].map((name) => ({
        name,
        state: "ENABLED",
        targetArns: [ARN],
      })),
    });

    it('must reconcile to RUN_AS_ENABLED "false": a writer still on "true" would undo break-glass every day', () => {
      expect(writerProblems(writer("false"), USER, false)).to.deep.equal([]);
      expect(writerFinding({ kind: "read", value: writer("true") }, USER, false)).to.deep.equal({
        status: "WRITER_UNHEALTHY",
        detail: 'RUN_AS_ENABLED is "true", expected "false"',
      });
      expect(writerProblems(writer("false"), USER)).to.deep.equal([
        'RUN_AS_ENABLED is "false", expected "true"',
      ]);
    });
  });

  describe("the row and the exit code", () => {
    const row = breakGlass(found({ runAsEnabled: false, runAsDefaultUser: USER }));

    it("BREAK_GLASS gives way to every other finding, like COMPLIANT, and says the document is as intended", () => {
      expect(withChecks(row, {})).to.deep.equal(row);
      expect(withChecks(row, { guardrail: { status: "UNGUARDED", detail: "g" } })).to.deep.include({
        status: "UNGUARDED",
        detail: `g; ${BREAK_GLASS_DOCUMENT_NOTE}`,
        runAsEnabled: false,
      });
      const pending = breakGlass(found({ runAsEnabled: true, runAsDefaultUser: USER }));
      expect(withChecks(pending, { writer: { status: "WRITER_UNHEALTHY", detail: "w" } })).to.deep.include({
        status: "BREAK_GLASS_PENDING",
        detail: "runAsEnabled is true: break-glass has not reached it yet; also WRITER_UNHEALTHY: w",
      });
    });

    it("exits 0 on BREAK_GLASS rows, 1 on a BREAK_GLASS_PENDING one", () => {
      const management: AuditRow = { ...row, accountId: "999999999999", status: "UNGUARDED" };
      expect(auditExitCode([row, management], "999999999999")).to.equal(0);
      expect(auditExitCode([row, { ...row, status: "BREAK_GLASS_PENDING" }], "999999999999")).to.equal(1);
    });
  });

  describe("the expectation", () => {
    const command = new Command();
    const stack = (runAsEnabled: boolean) => {
      const parsed = parseStackConfig({ ...exampleRawConfig("prod"), runAsEnabled });
      if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
      return { name: "prod", config: parsed.config };
    };

    it("is break-glass from the stack's runAsEnabled false, or from --expect-runas-disabled", () => {
      expect(expectationOf(command, undefined, stack(true)).runAsEnabled).to.equal(true);
      expect(expectationOf(command, undefined, stack(false)).runAsEnabled).to.equal(false);
      // The emergency path changes the StackSet before the config: the flag says so for a stack still on true.
      expect(expectationOf(command, undefined, stack(true), true).runAsEnabled).to.equal(false);
      expect(expectationOf(command, USER, undefined)).to.deep.equal({
        defaultUser: USER,
        overrides: {},
        runAsEnabled: true,
      });
      expect(expectationOf(command, USER, undefined, true).runAsEnabled).to.equal(false);
    });

    it("warns in one line, naming the flag and the stack, when --expect-runas-disabled contradicts its runAsEnabled", () => {
      expect(runAsDisabledContradiction("prod", stack(true), true)).to.equal(
        "warning: --expect-runas-disabled overrides stack prod, whose runAsEnabled is true: RunAs is expected " +
          "off; the next pulumi up of prod turns it back on unless its runAsEnabled is false",
      );
      // No contradiction: the stack agrees, the flag is not given, or there is no stack to contradict.
      expect(runAsDisabledContradiction("prod", stack(false), true)).to.equal(undefined);
      expect(runAsDisabledContradiction("prod", stack(true), false)).to.equal(undefined);
      expect(runAsDisabledContradiction(undefined, undefined, true)).to.equal(undefined);
    });
  });
});
