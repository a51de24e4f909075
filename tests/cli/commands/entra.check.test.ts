// `ssm-runas entra check` through the real bin against the loopback Graph server: one tenant per case.
import { expect } from "chai";
import * as os from "node:os";
import { runCli, stackTraceLines } from "../../support/cli";
import { startGraphServer, type GraphServer } from "../../../testing/graphServer";
import {
  attributeMapping,
  attributeSource,
  claimsMappingPolicy,
  constantSource,
  emptyTenant,
  functionSource,
  identityCenterApp,
  identityCenterSchema,
  quarantinedStatus,
  type TenantServicePrincipal,
} from "../../../testing/graphTenant";

const EMPLOYEE_NUMBER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber";
const CLAIM = "https://aws.amazon.com/SAML/Attributes/AccessControl:SSMSessionRunAs";

describe("ssm-runas entra check (Graph test server)", function () {
  this.timeout(60_000);
  let server: GraphServer;

  before(async () => {
    server = await startGraphServer();
  });
  after(() => server.close());

  /** A tenant holding `app`, and the check of stack dev (source ${path:enterprise.employeeNumber}) or of --abac-source. */
  async function check(app: TenantServicePrincipal | undefined, args: string[] = []) {
    const tenant = emptyTenant();
    if (app) tenant.servicePrincipals.push(app);
    server.reset(tenant);
    // --abac-source replaces the stack (the two conflict).
    const source = args.includes("--abac-source") ? [] : ["--stack", "dev"];
    const run = await runCli(["entra", "check", ...source, ...args], { env: server.env });
    expect(stackTraceLines(run.stderr)).to.deep.equal([]);
    expect(server.requests.filter(({ method }) => method !== "GET")).to.deep.equal([]);
    return run;
  }

  const withEmployeeNumber = (source: ReturnType<typeof attributeSource>, overrides = {}) =>
    identityCenterApp({
      schema: identityCenterSchema({
        [EMPLOYEE_NUMBER]: attributeMapping(EMPLOYEE_NUMBER, source, overrides),
      }),
    });

  it("passes a direct per-user mapping onto the stack's SCIM attribute (exit 0)", async () => {
    const app = withEmployeeNumber(attributeSource("employeeId"));
    const run = await check(app);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.split("\n").filter(Boolean)).to.deep.equal([
      `PASS  application: AWS IAM Identity Center (successor to AWS Single Sign-On) (appId ${app.appId}, object id ${app.id})`,
      `PASS  provisioning job running: ${app.jobs[0].id} is Active, a cycle every PT40M`,
      "PASS  provisioning job not quarantined: not in quarantine",
      "PASS  provisioning job last cycle: ended 2026-12-02T11:20:39.7654321Z (Succeeded)",
      `PASS  mapping to ${EMPLOYEE_NUMBER}: [employeeId], a direct per-user attribute`,
      `PASS  mapping to ${EMPLOYEE_NUMBER} flow type: Always: every change in Entra ID reaches IAM Identity Center`,
      `CHECK SAML claim SSMSessionRunAs: no claims mapping policy sets it; also check by hand in the Entra admin ` +
        `center (Enterprise applications > the app > Single sign-on > Attributes & Claims): no claim ${CLAIM}, or ` +
        "one with a single per-user source and no claim conditions (IAM Identity Center ignores its value while ABAC " +
        "maps the key, but several values reject the sign-in)",
    ]);
  });

  it("finds the app by --app display name or appId, and prints JSON", async () => {
    const app = identityCenterApp({
      displayName: "AWS IAM Identity Center - prod",
      schema: identityCenterSchema({
        [EMPLOYEE_NUMBER]: attributeMapping(EMPLOYEE_NUMBER, attributeSource("onPremisesSamAccountName")),
      }),
    });
    const byName = await check(app, ["--app", "AWS IAM Identity Center - prod"]);
    expect(byName.code, byName.stderr).to.equal(0);
    const byAppId = await check(app, ["--app", app.appId, "--json"]);
    expect(byAppId.code, byAppId.stderr).to.equal(0);
    const report = JSON.parse(byAppId.stdout);
    expect(report.application).to.deep.equal({ id: app.id, appId: app.appId, displayName: app.displayName });
    expect(report.source).to.equal("${path:enterprise.employeeNumber}");
    expect(report.target).to.equal(EMPLOYEE_NUMBER);
    expect(report.ok).to.equal(true);
    expect(report.steps.map(({ status }: { status: string }) => status)).to.deep.equal([
      "PASS",
      "PASS",
      "PASS",
      "PASS",
      "PASS",
      "PASS",
      "CHECK",
    ]);
  });

  it("reads the target from --abac-source instead of a stack: ${path:userName} → userName", async () => {
    const tenant = emptyTenant();
    tenant.servicePrincipals.push(identityCenterApp());
    server.reset(tenant);
    const run = await runCli(["entra", "check", "--abac-source", "${path:userName}"], { env: server.env });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include(
      "PASS  mapping to userName: [userPrincipalName], a direct per-user attribute",
    );
  });

  it("fails a constant: everyone would share one Linux user (exit 1)", async () => {
    const run = await check(withEmployeeNumber(constantSource("ec2-user")));
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include(
      `FAIL  mapping to ${EMPLOYEE_NUMBER}: constant "ec2-user": every user gets the same value, so everyone would share one Linux user; map a per-user attribute`,
    );
  });

  it("fails an expression that reads app roles or groups, and shows it (exit 1)", async () => {
    const source = functionSource(
      "SingleAppRoleAssignment",
      { source: attributeSource("appRoleAssignments") },
      "SingleAppRoleAssignment([appRoleAssignments])",
    );
    const run = await check(withEmployeeNumber(source));
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include(
      `FAIL  mapping to ${EMPLOYEE_NUMBER}: expression SingleAppRoleAssignment([appRoleAssignments]) reads group ` +
        "membership or app roles (SingleAppRoleAssignment, appRoleAssignments): users whose groups give different " +
        "values are rejected at sign-in; map a per-user attribute",
    );
  });

  it("passes an expression of per-user attributes, showing it", async () => {
    const source = functionSource(
      "ToLower",
      { source: attributeSource("mailNickname") },
      "ToLower([mailNickname], )",
    );
    const run = await check(withEmployeeNumber(source));
    expect(run.code, run.stdout).to.equal(0);
    expect(run.stdout).to.include(
      `PASS  mapping to ${EMPLOYEE_NUMBER}: expression ToLower([mailNickname], ) reads only per-user attributes (mailNickname)`,
    );
  });

  it("fails a missing mapping, naming the target and the fix (exit 1)", async () => {
    const run = await check(identityCenterApp());
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include(
      `FAIL  mapping to ${EMPLOYEE_NUMBER}: no mapping targets ${EMPLOYEE_NUMBER}: IAM Identity Center gets no value, ` +
        "so sessions fall back to the default user; add one (ssm-runas entra mapping --source <attribute>)",
    );
    expect(run.stdout).not.to.include("flow type");
  });

  it("fails a flow type other than Always, and a default value everyone without one would share", async () => {
    const run = await check(
      withEmployeeNumber(attributeSource("employeeId"), {
        flowType: "ObjectAddOnly",
        defaultValue: "ec2-user",
      }),
    );
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include(
      `FAIL  mapping to ${EMPLOYEE_NUMBER}: [employeeId], a direct per-user attribute; users without a value get the default value "ec2-user", all the same Linux user`,
    );
    expect(run.stdout).to.include(
      `FAIL  mapping to ${EMPLOYEE_NUMBER} flow type: ObjectAddOnly: a changed value never reaches IAM Identity Center (set Apply this mapping: Always)`,
    );
  });

  it("fails a quarantined job with its reason (exit 1)", async () => {
    const app = identityCenterApp({
      schema: identityCenterSchema({
        [EMPLOYEE_NUMBER]: attributeMapping(EMPLOYEE_NUMBER, attributeSource("employeeId")),
      }),
      jobStatus: quarantinedStatus(),
    });
    const run = await check(app);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include(`FAIL  provisioning job running: ${app.jobs[0].id} is Quarantine`);
    expect(run.stdout).to.include(
      "FAIL  provisioning job not quarantined: in quarantine (EncounteredQuarantineException: The credentials supplied " +
        "to the target application are invalid.), next attempt 2026-12-02T20:00:00Z; fix the cause in the provisioning logs, then Restart provisioning",
    );
  });

  it("fails a job that never ran a cycle", async () => {
    const app = identityCenterApp({ jobStatus: { code: "NotRun", lastExecution: null } });
    const run = await check(app, ["--abac-source", "${path:userName}"]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include("FAIL  provisioning job last cycle: has never run a cycle");
  });

  it("reports a SAML claim from a claims mapping policy: per-user passes, group-based fails", async () => {
    const perUser = withEmployeeNumber(attributeSource("employeeId"));
    perUser.claimsMappingPolicies.push(claimsMappingPolicy(CLAIM, { Source: "user", ID: "employeeid" }));
    const ok = await check(perUser);
    expect(ok.code, ok.stdout).to.equal(0);
    expect(ok.stdout).to.include(
      "PASS  SAML claim SSMSessionRunAs: policy AWS session tags fills it from the user attribute employeeid, one value " +
        "per user; ignored while the ABAC configuration maps SSMSessionRunAs: IAM Identity Center sends its identity store's value",
    );
    const groups = withEmployeeNumber(attributeSource("employeeId"));
    groups.claimsMappingPolicies.push(claimsMappingPolicy(CLAIM, { Source: "user", ID: "groups" }));
    const bad = await check(groups);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.include(
      "FAIL  SAML claim SSMSessionRunAs: policy AWS session tags fills it from groups: users whose groups give different values are rejected at sign-in",
    );
  });

  it("without Policy.Read.All, leaves the claim to a person instead of failing", async () => {
    const tenant = emptyTenant();
    tenant.servicePrincipals.push(withEmployeeNumber(attributeSource("employeeId")));
    server.reset(tenant);
    server.forbidden = [/claimsMappingPolicies/];
    const run = await runCli(["entra", "check", "--stack", "dev"], { env: server.env });
    expect(run.code, run.stdout).to.equal(0);
    expect(run.stdout).to.match(
      /^CHECK SAML claim SSMSessionRunAs: claims mapping policies not read \(the credential lacks Policy.Read.All\); also check by hand/m,
    );
  });

  it("honours 429 Retry-After and still answers", async () => {
    const tenant = emptyTenant();
    tenant.servicePrincipals.push(withEmployeeNumber(attributeSource("employeeId")));
    server.reset(tenant);
    server.throttle = { remaining: 2, status: 429, retryAfter: "1", path: /synchronization\/jobs$/ };
    const run = await runCli(["entra", "check", "--stack", "dev"], { env: server.env });
    expect(run.code, run.stderr).to.equal(0);
    expect(server.requests.filter(({ path }) => /synchronization\/jobs$/.test(path))).to.have.length(3);
  });

  describe("the check itself failing: one line, exit 2", () => {
    const oneLine = (run: { code: number | null; stdout: string; stderr: string }, line: string) => {
      expect(run.code).to.equal(2);
      expect(run.stdout).to.equal("");
      expect(run.stderr).to.equal(`${line}\n`);
    };

    it("unknown application", async () => {
      oneLine(
        await check(identityCenterApp(), ["--app", "AWS SSO"]),
        'ssm-runas: entra check failed: no enterprise application named "AWS SSO" in this tenant: pass --app <display name or appId>',
      );
      oneLine(
        await check(undefined),
        "ssm-runas: entra check failed: no enterprise application named AWS IAM Identity Center… in this tenant: pass --app <display name or appId>",
      );
    });

    it("no provisioning job", async () => {
      const app = identityCenterApp({ withJob: false });
      oneLine(
        await check(app),
        `ssm-runas: entra check failed: AWS IAM Identity Center (successor to AWS Single Sign-On) (appId ${app.appId}) ` +
          "has no provisioning job: set Provisioning Mode to Automatic in the Entra admin center",
      );
    });

    it("no permission (403) names the read permission", async () => {
      const tenant = emptyTenant();
      const app = identityCenterApp();
      tenant.servicePrincipals.push(app);
      server.reset(tenant);
      server.forbidden = [/synchronization/];
      oneLine(
        await runCli(["entra", "check", "--stack", "dev"], { env: server.env }),
        `ssm-runas: entra check failed: Microsoft Graph refused GET /servicePrincipals/${app.id}/synchronization/jobs ` +
          "(403 Authorization_RequestDenied: Insufficient privileges to complete the operation.): the credential needs the read permission Synchronization.Read.All",
      );
    });

    it("no credential: neither MS_GRAPH_TOKEN nor a sign-in DefaultAzureCredential finds", async () => {
      server.reset(emptyTenant());
      const run = await runCli(["entra", "check", "--stack", "dev"], {
        env: {
          ...server.env,
          MS_GRAPH_TOKEN: "",
          AZURE_CLIENT_ID: "",
          AZURE_TENANT_ID: "",
          HOME: os.tmpdir(),
        },
      });
      expect(run.code).to.equal(2);
      expect(run.stderr.split("\n").filter(Boolean)).to.have.length(1);
      expect(run.stderr).to.match(
        new RegExp(
          `^ssm-runas: entra check failed: no Microsoft Graph token for ${server.endpoint}/\\.default: sign in \\(az login, ` +
            "or AZURE_CLIENT_ID/AZURE_TENANT_ID with a secret or workload identity\\) or set MS_GRAPH_TOKEN \\(.+\\)\n$",
        ),
      );
      expect(server.requests).to.deep.equal([]);
    });

    it("no source: neither --stack nor --abac-source", async () => {
      oneLine(
        await runCli(["entra", "check"], { env: server.env }),
        "error: one of --stack <name> or --abac-source <${path:...}> is required",
      );
      oneLine(
        await runCli(["entra", "check", "--stack", "dev", "--abac-source", "${path:userName}"], {
          env: server.env,
        }),
        "error: option '--abac-source <source>' cannot be used with option '--stack <name>'",
      );
    });

    it("two applications match the default name", async () => {
      const tenant = emptyTenant();
      const [a, b] = [identityCenterApp(), identityCenterApp({ displayName: "AWS IAM Identity Center" })];
      tenant.servicePrincipals.push(a, b);
      server.reset(tenant);
      oneLine(
        await runCli(["entra", "check", "--stack", "dev"], { env: server.env }),
        `ssm-runas: entra check failed: 2 enterprise applications named AWS IAM Identity Center…: ${a.displayName} ` +
          `(appId ${a.appId}), ${b.displayName} (appId ${b.appId}); pass --app <appId>`,
      );
    });
  });
});
