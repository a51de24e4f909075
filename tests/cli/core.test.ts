// The CLI's pure core: classification, expected users, report formats, progress, concurrency, retries,
// attribute paths, the ABAC block and the SCP probe's verdict.
import { expect } from "chai";
import { parse } from "yaml";
import { accessControlAttributesBlock } from "../../cli/abacBlock";
import { forEachWithConcurrency, withBackoff } from "../../cli/concurrency";
import { expectedUserFor } from "../../cli/expectedUser";
import { sessionUserProblem } from "../../policypack/rules/values";
import { renderProgressBar } from "../../cli/progress";
import { formatCsv, renderReport, summarize } from "../../cli/report";
import {
  AUDIT_COLUMNS,
  AUDIT_STATUSES,
  classifyDocument,
  sortRows,
  type AuditRow,
} from "../../cli/runShellDocument";
import { attributeValue, classifyUsers } from "../../cli/userAttributes";
import { classifyWriteProbe, exemptionMatching } from "../../cli/verify";
import { AUDIT_ROW_FIELDS } from "../support/cli";
import { runShellContent } from "../../testing/seedOrganization";

const found = (content: string) => ({ kind: "found" as const, content });

describe("cli core: RunShell classification", () => {
  const classify = (content: string, expected = "ssm-fallback") =>
    classifyDocument("111111111111", "eu-west-1", found(content), expected);

  it("is COMPLIANT when RunAs is on with the expected user, in JSON or YAML", () => {
    for (const format of ["JSON", "YAML"] as const) {
      const row = classify(runShellContent({ runAsEnabled: true, runAsDefaultUser: "ssm-fallback", format }));
      expect(row).to.deep.equal({
        accountId: "111111111111",
        region: "eu-west-1",
        status: "COMPLIANT",
        runAsEnabled: true,
        runAsDefaultUser: "ssm-fallback",
        detail: "",
      });
    }
  });

  it("tells RUNAS_DISABLED from WRONG_USER, and an empty user from a different one", () => {
    const off = classify(runShellContent({ runAsEnabled: false, runAsDefaultUser: "" }));
    expect([off.status, off.runAsEnabled, off.detail]).to.deep.equal([
      "RUNAS_DISABLED",
      false,
      "runAsEnabled is false",
    ]);
    expect(Object.keys(off)).to.deep.equal(AUDIT_ROW_FIELDS);
    const wrong = classify(runShellContent({ runAsEnabled: true, runAsDefaultUser: "ec2-user" }));
    expect([wrong.status, wrong.detail]).to.deep.equal([
      "WRONG_USER",
      'runAsDefaultUser is "ec2-user", expected "ssm-fallback"',
    ]);
    const empty = classify(runShellContent({ runAsEnabled: true, runAsDefaultUser: "" }));
    expect([empty.status, empty.detail]).to.deep.equal([
      "WRONG_USER",
      'runAsDefaultUser is empty, expected "ssm-fallback"',
    ]);
  });

  it("counts RunAs as off unless runAsEnabled is the boolean true", () => {
    const row = classify(
      JSON.stringify({ inputs: { runAsEnabled: "true", runAsDefaultUser: "ssm-fallback" } }),
    );
    expect([row.status, row.runAsEnabled, row.detail]).to.deep.equal([
      "RUNAS_DISABLED",
      null,
      "runAsEnabled is not set",
    ]);
  });

  it("reports MISSING and read failures, and unreadable content as ERROR", () => {
    expect(classifyDocument("1", "r", { kind: "missing" }, "u").status).to.equal("MISSING");
    expect(
      classifyDocument("1", "r", { kind: "failed", reason: "GetDocument: AccessDenied" }, "u"),
    ).to.include({
      status: "ERROR",
      detail: "GetDocument: AccessDenied",
    });
    expect(classify("{ not: [json").status).to.equal("ERROR");
    expect(classify('"just a string"').detail).to.equal("content is not a document object");
  });

  it("sorts rows by account, then region", () => {
    const rows = [
      { accountId: "2", region: "a" },
      { accountId: "1", region: "b" },
      { accountId: "1", region: "a" },
    ];
    expect(sortRows(rows).map(({ accountId, region }) => accountId + region)).to.deep.equal([
      "1a",
      "1b",
      "2a",
    ]);
  });
});

describe("cli core: expected user", () => {
  const expectation = {
    defaultUser: "ssm-fallback",
    overrides: { "ou-aaaa-11111111": "dev", "ou-aaaa-22222222": "sandbox" },
  };

  it("takes the nearest overridden OU above the account, else the default", () => {
    expect(expectedUserFor(expectation, ["r-aaaa", "ou-aaaa-11111111", "ou-aaaa-22222222"])).to.equal(
      "sandbox",
    );
    expect(expectedUserFor(expectation, ["r-aaaa", "ou-aaaa-11111111", "ou-aaaa-33333333"])).to.equal("dev");
    expect(expectedUserFor(expectation, ["r-aaaa"])).to.equal("ssm-fallback");
  });
});

describe("cli core: reports", () => {
  const rows: AuditRow[] = [
    {
      accountId: "111111111111",
      region: "eu-west-1",
      status: "COMPLIANT",
      runAsEnabled: true,
      runAsDefaultUser: "u",
      detail: "",
    },
    {
      accountId: "222222222222",
      region: "eu-west-1",
      status: "ERROR",
      runAsEnabled: null,
      runAsDefaultUser: null,
      detail: 'said "no", twice',
    },
  ];
  const spec = { columns: AUDIT_COLUMNS, rows, summary: summarize(AUDIT_STATUSES, rows) };

  it("renders JSON as {results, summary} with every status counted", () => {
    expect(JSON.parse(renderReport("json", spec))).to.deep.equal({
      results: rows,
      summary: { COMPLIANT: 1, MISSING: 0, RUNAS_DISABLED: 0, WRONG_USER: 0, ERROR: 1 },
    });
  });

  it("renders CSV with the JSON field names and RFC 4180 quoting", () => {
    expect(renderReport("csv", spec)).to.equal(
      "accountId,region,status,runAsEnabled,runAsDefaultUser,detail\r\n" +
        "111111111111,eu-west-1,COMPLIANT,true,u,\r\n" +
        '222222222222,eu-west-1,ERROR,,,"said ""no"", twice"\r\n',
    );
    expect(formatCsv(["a"], [["line\nbreak"]])).to.equal('a\r\n"line\nbreak"\r\n');
  });

  it("renders an aligned table with a summary line", () => {
    const lines = renderReport("table", spec).split("\n");
    expect(lines[0]).to.match(/^ACCOUNT {7}REGION {5}STATUS {5}RUNAS {2}DEFAULT USER {2}DETAIL$/);
    expect(lines[2]).to.equal('222222222222  eu-west-1  ERROR      -      -             said "no", twice');
    expect(lines.at(-2)).to.equal("COMPLIANT 1  MISSING 0  RUNAS_DISABLED 0  WRONG_USER 0  ERROR 1");
  });

  it("draws a progress bar", () => {
    expect(renderProgressBar(0, 4, 8)).to.equal("[--------] 0/4");
    expect(renderProgressBar(3, 4, 8)).to.equal("[######--] 3/4");
    expect(renderProgressBar(0, 0, 4)).to.equal("[####] 0/0");
  });
});

describe("cli core: concurrency and retries", () => {
  it("never has more than the limit in flight, and starts on items as they arrive", async () => {
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    const work = async (ms: number) => {
      peak = Math.max(peak, ++inFlight);
      await pause(ms);
      inFlight--;
      done.push(ms);
    };
    await forEachWithConcurrency([5, 1, 4, 2, 3, 1, 2], 3, work);
    expect(peak).to.equal(3);
    expect([...done].sort()).to.deep.equal([1, 1, 2, 2, 3, 4, 5]);

    // Items from a slow source: the first is worked on before the source has produced the last.
    const started: string[] = [];
    async function* slowSource() {
      for (const item of ["a", "b", "c"]) {
        await pause(10);
        started.push(`produced ${item}`);
        yield item;
      }
    }
    await forEachWithConcurrency(slowSource(), 2, async (item) => void started.push(`work ${item}`));
    expect(started).to.deep.equal(["produced a", "work a", "produced b", "work b", "produced c", "work c"]);
  });

  const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 250 };
  const throttled = () => Object.assign(new Error("Rate exceeded"), { name: "Throttling" });

  it("retries retryable errors with growing, capped delays", async () => {
    const delays: number[] = [];
    let calls = 0;
    const value = await withBackoff(
      async () => {
        if (++calls < 4) throw throttled();
        return "ok";
      },
      (err) => (err as Error).name === "Throttling",
      policy,
      async (ms) => void delays.push(ms),
    );
    expect([value, calls]).to.deep.equal(["ok", 4]);
    expect(delays[0]).to.be.within(0, 100);
    expect(delays[1]).to.be.within(0, 200);
    expect(delays[2]).to.be.within(0, 250);
  });

  it("gives up after the last attempt, saying how many, and never retries other errors", async () => {
    let calls = 0;
    const retryable = (err: unknown) => (err as Error).name === "Throttling";
    const noWait = async () => {};
    const error = await withBackoff(
      async () => {
        calls++;
        throw throttled();
      },
      retryable,
      policy,
      noWait,
    ).catch((err) => err);
    expect([calls, error.message]).to.deep.equal([4, "Rate exceeded (gave up after 4 attempts)"]);
    calls = 0;
    const denied = await withBackoff(
      async () => {
        calls++;
        throw new Error("AccessDenied");
      },
      retryable,
      policy,
      noWait,
    ).catch((err) => err);
    expect([calls, denied.message]).to.deep.equal([1, "AccessDenied"]);
  });
});

describe("cli core: identity-store attributes", () => {
  const user = {
    UserId: "u-1",
    IdentityStoreId: "d-1234567890",
    UserName: "Alice@example.com",
    NickName: "alice",
    Name: { GivenName: "Alice", FamilyName: "Liddell" },
    Emails: [
      { Value: "alt@example.com", Primary: false },
      { Value: "alice@example.com", Primary: true },
    ],
    Addresses: [
      { Type: "home", Locality: "Oxford" },
      { Type: "Work", Locality: "London" },
    ],
    Extensions: { "aws:identitystore:enterprise": { employeeNumber: "a10042", costCenter: 4711 } },
  };

  it("resolves standard, filtered and enterprise paths as IdC documents them", () => {
    expect(attributeValue(user, "userName")).to.equal("Alice@example.com");
    expect(attributeValue(user, "nickName")).to.equal("alice");
    expect(attributeValue(user, "name.familyName")).to.equal("Liddell");
    expect(attributeValue(user, "emails[primary eq true].value")).to.equal("alice@example.com");
    expect(attributeValue(user, 'addresses[type eq "work"].locality')).to.equal("London");
    expect(attributeValue(user, "enterprise.employeeNumber")).to.equal("a10042");
    expect(attributeValue(user, "enterprise.costCenter")).to.equal("4711");
  });

  it("answers undefined for an absent or empty attribute", () => {
    expect(attributeValue(user, "title")).to.equal(undefined);
    expect(attributeValue(user, "enterprise.department")).to.equal(undefined);
    expect(attributeValue({ ...user, NickName: "" }, "nickName")).to.equal(undefined);
    expect(attributeValue({ ...user, Extensions: undefined }, "enterprise.employeeNumber")).to.equal(
      undefined,
    );
  });

  it("flags users whose value is missing, not a Linux user, root, or shared", () => {
    const rows = classifyUsers(
      [
        { userId: "1", userName: "ann", value: "ann" },
        { userId: "2", userName: "bob", value: undefined },
        { userId: "3", userName: "cat", value: "Cat.Smith" },
        { userId: "4", userName: "dan", value: "shared" },
        { userId: "5", userName: "eve", value: "shared" },
        { userId: "6", userName: "fay", value: "root" },
      ],
      "nickName",
    );
    expect(rows.map(({ userName, status }) => `${userName}:${status}`)).to.deep.equal([
      "ann:OK",
      "bob:MISSING",
      "cat:INVALID",
      "dan:DUPLICATE",
      "eve:DUPLICATE",
      "fay:INVALID",
    ]);
    expect(rows[3].detail).to.equal("also the value of eve");
    expect(rows[5].detail).to.equal("root is refused: sessions must not fall back to the superuser");
  });

  it("applies the stack's Linux user rule", () => {
    expect(sessionUserProblem("ssm-fallback")).to.equal(undefined);
    expect(sessionUserProblem("_svc")).to.equal(undefined);
    expect(sessionUserProblem("9lives")).to.match(/not a Linux user name/);
    expect(sessionUserProblem("a".repeat(33))).to.match(/not a Linux user name/);
  });
});

describe("cli core: ABAC block", () => {
  it("prints a block under config: that parses back to the same list, quoting what YAML needs", () => {
    const attributes = [
      { key: "SSMSessionRunAs", source: "${path:enterprise.employeeNumber}" },
      { key: "Office", source: '${path:addresses[type eq "work"].locality}' },
      { key: "Note: #1", source: "" },
    ];
    const block = accessControlAttributesBlock(attributes);
    expect(block.split("\n")[0]).to.equal("  ssm-runas-sync:accessControlAttributes:");
    expect(
      block
        .split("\n")
        .filter(Boolean)
        .every((line) => line.startsWith("  ")),
    ).to.equal(true);
    expect(parse(`config:\n${block}`).config["ssm-runas-sync:accessControlAttributes"]).to.deep.equal(
      attributes,
    );
  });
});

describe("cli core: SCP probe verdict", () => {
  const error = (name: string, message: string) => Object.assign(new Error(message), { name });

  it("passes only on an explicit deny in a service control policy", () => {
    const scp = error(
      "AccessDeniedException",
      "User: arn:aws:sts::111111111111:assumed-role/OrganizationAccountAccessRole/x is not authorized to perform: " +
        "ssm:UpdateDocument on resource: arn:aws:ssm:eu-west-1:111111111111:document/SSM-SessionManagerRunShell " +
        "with an explicit deny in a service control policy",
    );
    expect(classifyWriteProbe(scp).ok).to.equal(true);
    expect(classifyWriteProbe(error("DuplicateDocumentContent", "same")).detail).to.match(/^NOT protected/);
    const iam = classifyWriteProbe(
      error("AccessDeniedException", "... with an explicit deny in an identity-based policy"),
    );
    expect([iam.ok, iam.detail.startsWith("refused, but not by a service control policy")]).to.deep.equal([
      false,
      true,
    ]);
    expect(classifyWriteProbe(undefined)).to.deep.equal({
      ok: false,
      detail: "NOT protected: the write was accepted",
    });
    expect(classifyWriteProbe(error("InvalidDocument", "gone")).detail).to.equal(
      "inconclusive: InvalidDocument: gone",
    );
  });

  it("recognizes roles the SCP exempts", () => {
    const arn = (name: string) => `arn:aws:iam::111111111111:role/${name}`;
    expect(
      exemptionMatching(arn("OrganizationAccountAccessRole"), ["arn:aws:iam::*:role/AWSAccelerator-*"]),
    ).to.equal(undefined);
    expect(
      exemptionMatching(arn("AWSAccelerator-Pipeline"), ["arn:aws:iam::*:role/AWSAccelerator-*"]),
    ).to.equal("arn:aws:iam::*:role/AWSAccelerator-*");
    expect(exemptionMatching(arn("stacksets-exec-0123"), [])).to.equal(
      "arn:aws:iam::*:role/stacksets-exec-*",
    );
    // A stack whose StackSet runs as LZA's execution role exempts that role instead.
    const lzaExecutionRole = "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole";
    expect(exemptionMatching(arn("AWSCloudFormationStackSetExecutionRole"), [], lzaExecutionRole)).to.equal(
      lzaExecutionRole,
    );
    expect(exemptionMatching(arn("stacksets-exec-0123"), [], lzaExecutionRole)).to.equal(undefined);
  });
});
