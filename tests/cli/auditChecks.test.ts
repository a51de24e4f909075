// The audit's pure checks beyond the RunShell document: bypassing Session documents, the writer's health, the
// guardrail on the account's path, regions outside the managed ones, and the precedence that folds them.
import { fallbackUserScriptLines } from "../../components/runShell/fallbackUserScript";
import { expect } from "chai";
import {
  bypassFinding,
  fallbackUserCounted,
  fallbackUserFinding,
  fallbackUserPending,
  guardrailFinding,
  sessionDocumentBypass,
  unmanagedRegions,
  withChecks,
  writerFinding,
  writerProblems,
  type WriterState,
} from "../../cli/auditChecks";
import { AUDIT_STATUSES, classifyDocument } from "../../cli/auditRows";
import { runShellContent, sessionDocumentContent } from "../../testing/seedOrganization";

const ARN = "arn:aws:lambda:eu-west-1:111111111111:function:ssm-runas-sync-writer";
const RULES = ["ssm-runas-sync-reconcile-on-change", "ssm-runas-sync-reconcile-daily"];
const healthy = (): WriterState => ({
  function: {
    arn: ARN,
    state: "Active",
    environment: { RUN_AS_ENABLED: "true", RUN_AS_DEFAULT_USER: "ssm-fallback" },
  },
  functionArn: ARN,
  rules: RULES.map((name) => ({ name, state: "ENABLED", targetArns: [ARN] })),
});

describe("cli: audit checks", () => {
  it("lists the statuses in the summary's order, ERROR last", () => {
    expect(AUDIT_STATUSES).to.deep.equal([
      "COMPLIANT",
      "BREAK_GLASS",
      "OUT_OF_SCOPE",
      "SUSPENDED",
      "MISSING",
      "RUNAS_DISABLED",
      "BREAK_GLASS_PENDING",
      "WRONG_USER",
      "LATEST_DIFFERS",
      "FALLBACK_USER_PENDING",
      "BYPASS_DOCUMENT",
      "WRITER_UNHEALTHY",
      "UNGUARDED",
      "UNMANAGED_REGION",
      "ERROR",
    ]);
  });

  describe("Session documents", () => {
    const content = sessionDocumentContent;
    it("flags a shell without RunAs, elevated commands, SSH and caller-chosen ports, unknown types", () => {
      expect(sessionDocumentBypass(content("Standard_Stream", { inputs: { runAsEnabled: false } }))).to.equal(
        "Standard_Stream with runAsEnabled not true",
      );
      expect(sessionDocumentBypass(content("Standard_Stream", { inputs: {} }))).to.match(/not true/);
      for (const type of ["InteractiveCommands", "NonInteractiveCommands"]) {
        expect(sessionDocumentBypass(content(type, { properties: { runAsElevated: true } }))).to.equal(
          `${type} with runAsElevated true`,
        );
        expect(sessionDocumentBypass(content(type, { properties: { runAsElevated: false } }))).to.equal(
          undefined,
        );
      }
      expect(sessionDocumentBypass(content("Port", { properties: { portNumber: "22" } }))).to.match(/SSH/);
      expect(
        sessionDocumentBypass(content("Port", { properties: { portNumber: "{{ portNumber }}" } })),
      ).to.match(/caller chooses/);
      expect(sessionDocumentBypass(content("Port", { properties: { portNumber: "3389" } }))).to.equal(
        undefined,
      );
      expect(sessionDocumentBypass(content("Teleport", {}))).to.equal('unknown sessionType "Teleport"');
      expect(sessionDocumentBypass("{ not: [json")).to.equal("content cannot be read");
      // A RunShell-like document of another name with RunAs on is no bypass; YAML is read too.
      expect(
        sessionDocumentBypass(runShellContent({ runAsEnabled: true, runAsDefaultUser: "x", format: "YAML" })),
      ).to.equal(undefined);
    });

    it("names every bypassing document, and a failed read is ERROR", () => {
      const finding = bypassFinding({
        kind: "read",
        value: [
          { name: "a", content: content("Standard_Stream", { inputs: { runAsEnabled: false } }) },
          { name: "b", content: content("InteractiveCommands", { properties: {} }) },
          { name: "c", content: content("NonInteractiveCommands", { properties: { runAsElevated: true } }) },
        ],
      });
      expect(finding).to.deep.equal({
        status: "BYPASS_DOCUMENT",
        detail:
          "Session documents that bypass RunAs: a (Standard_Stream with runAsEnabled not true), " +
          "c (NonInteractiveCommands with runAsElevated true)",
      });
      expect(bypassFinding({ kind: "read", value: [] })).to.equal(undefined);
      expect(bypassFinding({ kind: "failed", reason: "ListDocuments: AccessDenied" })).to.deep.equal({
        status: "ERROR",
        detail: "Session documents: ListDocuments: AccessDenied",
      });
    });
  });

  describe("the writer", () => {
    it("is healthy with RunAs on, the expected user, both rules enabled and targeting it (or a qualifier)", () => {
      expect(writerProblems(healthy(), "ssm-fallback")).to.deep.equal([]);
      const aliased = healthy();
      aliased.rules[1].targetArns = ["arn:aws:sns:eu-west-1:111111111111:other", `${ARN}:live`];
      expect(writerProblems(aliased, "ssm-fallback")).to.deep.equal([]);
    });

    it("names each problem", () => {
      const broken = healthy();
      broken.function!.environment = { RUN_AS_ENABLED: "false" };
      broken.function!.state = "Failed";
      broken.rules = [
        { name: RULES[0], state: "DISABLED", targetArns: [`${ARN}-lookalike`] },
        { name: RULES[1], state: null, targetArns: [] },
      ];
      expect(writerProblems(broken, "ssm-fallback")).to.deep.equal([
        "function ssm-runas-sync-writer is in state Failed",
        'RUN_AS_ENABLED is "false", expected "true"',
        'RUN_AS_DEFAULT_USER is not set, expected "ssm-fallback"',
        "rule ssm-runas-sync-reconcile-on-change is DISABLED",
        "rule ssm-runas-sync-reconcile-on-change does not target the writer",
        "rule ssm-runas-sync-reconcile-daily is missing",
      ]);
      const missing = { ...healthy(), function: null };
      expect(writerFinding({ kind: "read", value: missing }, "ssm-fallback")).to.deep.equal({
        status: "WRITER_UNHEALTHY",
        detail: "function ssm-runas-sync-writer is missing",
      });
      expect(writerFinding({ kind: "read", value: healthy() }, "other-user")?.detail).to.equal(
        'RUN_AS_DEFAULT_USER is "ssm-fallback", expected "other-user"',
      );
      expect(writerFinding({ kind: "failed", reason: "x" }, "u")).to.deep.equal({
        status: "ERROR",
        detail: "writer: x",
      });
    });
  });

  describe("the guardrail", () => {
    const both = ["ssm-runas-sync-runshell-guardrail", "ssm-runas-sync-session-guardrail"];
    it("wants both SCPs somewhere on the path, SCPs enabled; the management account never has them", () => {
      const member = (attached: string[], scpEnabled = true) =>
        guardrailFinding({ kind: "read", value: { kind: "member", scpEnabled, attached } });
      expect(member([...both, "FullAWSAccess"])).to.equal(undefined);
      expect(member([both[0]])).to.deep.equal({
        status: "UNGUARDED",
        detail: "not attached to the account, its OUs or the root: ssm-runas-sync-session-guardrail",
      });
      expect(member(["FullAWSAccess"])?.detail).to.equal(
        `not attached to the account, its OUs or the root: ${both.join(", ")}`,
      );
      expect(member(both, false)?.detail).to.equal(
        "service control policies are not enabled on the organisation's root",
      );
      expect(guardrailFinding({ kind: "read", value: { kind: "management" } })).to.deep.equal({
        status: "UNGUARDED",
        detail: "the management account: no service control policy applies there",
      });
    });
  });

  describe("the fallback user", () => {
    const script = { document: "AWS-RunShellScript", commands: fallbackUserScriptLines("ops") };
    const read = (
      succeeded: number | null,
      linuxNodes: number,
      scripts = succeeded === null ? [] : [script],
    ) => fallbackUserFinding({ kind: "read", value: { succeeded, linuxNodes, scripts } }, "ops");

    it("finds nothing when every Linux node ran the association successfully (or there is none)", () => {
      expect(read(5, 5)).to.equal(undefined);
      expect(read(0, 0)).to.equal(undefined);
    });

    it("counts the Linux nodes beyond the successful targets, never below zero", () => {
      expect(fallbackUserPending({ succeeded: 3, linuxNodes: 5, scripts: [] })).to.equal(2);
      // Success on a node since deregistered can outnumber the nodes listed.
      expect(fallbackUserPending({ succeeded: 6, linuxNodes: 5, scripts: [] })).to.equal(0);
      expect(read(3, 5)).to.deep.equal({
        status: "FALLBACK_USER_PENDING",
        detail: "2 of 5 Linux managed nodes without a successful run of ssm-runas-sync-fallback-user",
      });
    });

    it("a missing association is pending whatever the nodes: the ones to come would never get the user", () => {
      expect(fallbackUserPending({ succeeded: null, linuxNodes: 5, scripts: [] })).to.equal(5);
      expect(read(null, 0)).to.deep.equal({
        status: "FALLBACK_USER_PENDING",
        detail:
          "association ssm-runas-sync-fallback-user is missing: no node gets the fallback user (0 Linux managed nodes)",
      });
    });

    it("counts the successes only of the StackSet's script for the expected user: a rewritten or second association is pending", () => {
      const noop = { document: "AWS-RunShellScript", commands: ["true"] };
      expect(read(5, 5, [noop])).to.deep.equal({
        status: "FALLBACK_USER_PENDING",
        detail:
          "association ssm-runas-sync-fallback-user does not run the script that creates ops (AWS-RunShellScript, " +
          "changed outside the StackSet): its successes say nothing about the user",
      });
      // The script for another user (an override's account read with the default's expectation) is not this one.
      expect(read(5, 5, [{ ...script, commands: fallbackUserScriptLines("other") }])?.status).to.equal(
        "FALLBACK_USER_PENDING",
      );
      expect(read(5, 5, [{ ...script, document: "Custom-Shell" }])?.detail).to.include("(Custom-Shell,");
      expect(read(5, 5, [script, script])).to.deep.equal({
        status: "FALLBACK_USER_PENDING",
        detail:
          "2 associations are named ssm-runas-sync-fallback-user, the StackSet creates one: their successes do not say which script ran",
      });
    });

    it("is counted by default for a stack that deploys the association, with --expected-user only when asked", () => {
      const deploys = { name: "prod", ensureFallbackUser: true };
      const deploysNone = { name: "nouser", ensureFallbackUser: false };
      // flag: --fallback-user (true), --no-fallback-user (false), neither (undefined).
      expect(fallbackUserCounted(undefined, deploys)).to.deep.equal({ counted: true });
      expect(fallbackUserCounted(false, deploys)).to.deep.equal({ counted: false });
      expect(fallbackUserCounted(true, deploys)).to.deep.equal({ counted: true });
      expect(fallbackUserCounted(undefined, deploysNone)).to.deep.equal({ counted: false });
      expect(fallbackUserCounted(false, deploysNone)).to.deep.equal({ counted: false });
      expect(fallbackUserCounted(true, deploysNone)).to.deep.equal({
        counted: false,
        problem:
          "option '--fallback-user': stack nouser has ensureFallbackUser false, so it deploys no fallback-user association to count",
      });
      expect(fallbackUserCounted(undefined, undefined)).to.deep.equal({ counted: false });
      expect(fallbackUserCounted(true, undefined)).to.deep.equal({ counted: true });
    });

    it("says which read failed", () => {
      expect(
        fallbackUserFinding({ kind: "failed", reason: "ListAssociations: AccessDeniedException: no" }, "ops"),
      ).to.deep.equal({
        status: "ERROR",
        detail: "fallback user: ListAssociations: AccessDeniedException: no",
      });
    });
  });

  describe("precedence", () => {
    const compliant = classifyDocument(
      "111111111111",
      "eu-west-1",
      {
        kind: "found",
        default: { version: "1", content: runShellContent({ runAsEnabled: true, runAsDefaultUser: "u" }) },
        latest: { version: "1", content: runShellContent({ runAsEnabled: true, runAsDefaultUser: "u" }) },
      },
      "u",
    );
    const disabled = { ...compliant, status: "RUNAS_DISABLED" as const, detail: "runAsEnabled is false" };
    const bypass = { status: "BYPASS_DOCUMENT" as const, detail: "b" };
    const writer = { status: "WRITER_UNHEALTHY" as const, detail: "w" };
    const guardrail = { status: "UNGUARDED" as const, detail: "g" };
    const error = { status: "ERROR" as const, detail: "e" };

    it("keeps a COMPLIANT row with nothing found as it is", () => {
      expect(withChecks(compliant, {})).to.deep.equal(compliant);
    });

    it("document first, then BYPASS_DOCUMENT, WRITER_UNHEALTHY, UNGUARDED; the rest in the detail", () => {
      expect(withChecks(disabled, { bypass, writer, guardrail })).to.deep.include({
        status: "RUNAS_DISABLED",
        detail: "runAsEnabled is false; also BYPASS_DOCUMENT: b; also WRITER_UNHEALTHY: w; also UNGUARDED: g",
        runAsEnabled: true,
        defaultVersion: "1",
      });
      expect(withChecks(compliant, { guardrail, writer, bypass })).to.deep.include({
        status: "BYPASS_DOCUMENT",
        detail: "b; also WRITER_UNHEALTHY: w; also UNGUARDED: g; the RunShell document itself is compliant",
      });
      expect(withChecks(compliant, { guardrail, writer }).status).to.equal("WRITER_UNHEALTHY");
      expect(withChecks(compliant, { guardrail }).detail).to.equal(
        "g; the RunShell document itself is compliant",
      );
    });

    it("FALLBACK_USER_PENDING after the document's statuses, before BYPASS_DOCUMENT", () => {
      const fallbackUser = { status: "FALLBACK_USER_PENDING" as const, detail: "f" };
      expect(withChecks(disabled, { bypass, fallbackUser }).detail).to.equal(
        "runAsEnabled is false; also FALLBACK_USER_PENDING: f; also BYPASS_DOCUMENT: b",
      );
      expect(withChecks(compliant, { bypass, writer, fallbackUser, guardrail })).to.deep.include({
        status: "FALLBACK_USER_PENDING",
        detail:
          "f; also BYPASS_DOCUMENT: b; also WRITER_UNHEALTHY: w; also UNGUARDED: g; the RunShell document itself is compliant",
      });
    });

    it("a check that could not be read is ERROR only when nothing definite was found", () => {
      expect(withChecks(compliant, { writer: error, guardrail }).status).to.equal("UNGUARDED");
      expect(withChecks(compliant, { writer: error })).to.deep.include({
        status: "ERROR",
        detail: "e; the RunShell document itself is compliant",
      });
      const unreadable = { ...compliant, status: "ERROR" as const, detail: "GetDocument: AccessDenied" };
      expect(withChecks(unreadable, { guardrail }).status).to.equal("ERROR");
    });
  });

  it("reports enabled regions of the caller's partition outside the managed ones", () => {
    expect(
      unmanagedRegions(
        [
          { name: "eu-west-1", optInStatus: "opt-in-not-required" },
          { name: "us-east-2", optInStatus: "opt-in-not-required" },
          { name: "ap-east-1", optInStatus: "not-opted-in" },
          { name: "me-south-1", optInStatus: "opted-in" },
          { name: "cn-north-1", optInStatus: "opt-in-not-required" },
          { name: "us-gov-west-1", optInStatus: "opt-in-not-required" },
        ],
        ["eu-west-1"],
        "aws",
      ),
    ).to.deep.equal(["me-south-1", "us-east-2"]);
  });
});
