// A synthetic organisation's audit rows for the report bench, made by the audit's own pure classifiers so that
// statuses, details and their lengths are what a real audit writes: mostly COMPLIANT, a few per cent drifted in
// each way, some accounts suspended or outside the stack, a few unreadable, some with opt-in regions left
// unmanaged, a StackSet instance failed here and there. Deterministic (a fixed seed), so runs compare.
import { outOfScopeReason, rowContext, suspendedDetail, unreadRows } from "../cli/auditContext";
import {
  bypassFinding,
  guardrailFinding,
  unmanagedRegionRow,
  withChecks,
  writerFinding,
} from "../cli/auditChecks";
import { classifyDocument, errorRow, sortRows, type AuditReportRow, type AuditRow } from "../cli/auditRows";
import { runShellContent } from "../testing/seedOrganization";
import { indexStackInstances, withStackInstance, type StackInstanceRead } from "../cli/stackInstances";
import { DEFAULT_ENABLED_REGIONS } from "../config/regions";

const USER = "ssm-fallback";
const MANAGEMENT = "100000000000";
const OPT_IN_REGIONS = ["af-south-1", "ap-east-1", "me-south-1"];

/** A linear congruential generator: the same organisation on every run. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export function syntheticAudit(accounts: number, regionCount: number) {
  const regions = DEFAULT_ENABLED_REGIONS.slice(0, regionCount);
  const next = random(20_260_101);
  const expectation = { defaultUser: USER, overrides: {}, runAsEnabled: true };
  const scope = { targets: ["ou-root-workloads"], includeManagementAccount: true };
  const healthyWriter = {
    kind: "read" as const,
    value: {
      function: {
        arn: "arn",
        state: "Active",
        environment: { RUN_AS_ENABLED: "true", RUN_AS_DEFAULT_USER: USER },
      },
      functionArn: "arn",
      rules: ["ssm-runas-sync-reconcile-on-change", "ssm-runas-sync-reconcile-daily"].map((name) => ({
        name,
        state: "ENABLED",
        targetArns: ["arn"],
      })),
    },
  };
  const found = (runAsEnabled: boolean, runAsDefaultUser: string) => {
    const version = { version: "3", content: runShellContent({ runAsEnabled, runAsDefaultUser }) };
    return { kind: "found" as const, default: version, latest: version };
  };
  const rows: (AuditRow & ReturnType<typeof rowContext>)[] = [];
  const instances: StackInstanceRead[] = [];
  for (let index = 0; index < accounts; index++) {
    const id = index === 0 ? MANAGEMENT : String(100_000_000_000 + index * 7_919);
    const team = `team-${String(Math.floor(index / 40)).padStart(2, "0")}`;
    const environment = ["prod", "staging", "dev", "sandbox"][index % 4];
    const inside = index === 0 || next() > 0.02;
    const ouSteps =
      index === 0
        ? [{ id: "r-root", name: "Root" }]
        : [
            { id: "r-root", name: "Root" },
            inside
              ? { id: "ou-root-workloads", name: "Workloads" }
              : { id: "ou-root-legacy", name: "Legacy" },
            { id: `ou-${team}`, name: team },
            { id: `ou-${team}-${environment}`, name: environment },
          ];
    const account = {
      id,
      name: index === 0 ? "management" : `${team}-${environment}-${index}`,
      ouPath: ouSteps.map(({ id: step }) => step),
      ouSteps,
    };
    const outside = outOfScopeReason(scope, account, MANAGEMENT);
    const context = rowContext(account, expectation, MANAGEMENT, outside === undefined);
    const push = (accountRows: AuditRow[]) =>
      rows.push(...accountRows.map((row) => ({ ...row, ...context })));
    const draw = next();
    if (draw < 0.005) push(unreadRows(id, regions, "SUSPENDED", suspendedDetail("SUSPENDED")));
    else if (outside) push(unreadRows(id, regions, "OUT_OF_SCOPE", outside));
    else if (draw < 0.008) {
      push(
        regions.map((region) =>
          errorRow(
            id,
            region,
            `AssumeRole arn:aws:iam::${id}:role/OrganizationAccountAccessRole: AccessDenied: not authorized`,
          ),
        ),
      );
    } else {
      const unguarded = index === 0 || next() < 0.01;
      const guardrail = guardrailFinding({
        kind: "read",
        value:
          index === 0
            ? { kind: "management" }
            : {
                kind: "member",
                scpEnabled: true,
                attached: unguarded
                  ? ["ssm-runas-sync-runshell-guardrail"]
                  : ["ssm-runas-sync-runshell-guardrail", "ssm-runas-sync-session-guardrail"],
              },
      });
      for (const region of regions) {
        const roll = next();
        const document =
          roll < 0.03
            ? ({ kind: "missing" } as const)
            : roll < 0.05
              ? found(true, "ec2-user")
              : roll < 0.06
                ? found(false, "")
                : found(true, USER);
        const writer =
          roll > 0.99
            ? writerFinding({ ...healthyWriter, value: { ...healthyWriter.value, function: null } }, USER)
            : writerFinding(healthyWriter, USER);
        const bypass =
          roll > 0.985 && roll <= 0.99
            ? bypassFinding({
                kind: "read",
                value: [
                  {
                    name: "root-shell",
                    content: '{"sessionType":"InteractiveCommands","properties":{"runAsElevated":true}}',
                  },
                ],
              })
            : undefined;
        push([withChecks(classifyDocument(id, region, document, USER), { bypass, writer, guardrail })]);
        if (index === 0) continue;
        if (document.kind === "missing" && next() < 0.5) {
          instances.push({
            account: id,
            region,
            status: "OUTDATED",
            detailedStatus: "FAILED",
            statusReason: `ResourceLogicalId:WriterRole, ResourceType:AWS::IAM::Role, ResourceStatusReason:User: arn:aws:sts::${id}:assumed-role/stacksets-exec-0123456789abcdef/x is not authorized to perform: iam:CreateRole with an explicit deny in a service control policy.`,
          });
        } else if (document.kind !== "missing") {
          instances.push({ account: id, region, status: "CURRENT", detailedStatus: "SUCCEEDED" });
        }
      }
      if (index === 0 || unguarded || next() < 0.03) {
        push(OPT_IN_REGIONS.slice(0, 1 + (index % 3)).map((region) => unmanagedRegionRow(id, region)));
      }
    }
  }
  const index = indexStackInstances(instances);
  const reported: AuditReportRow[] = sortRows(rows.map((row) => withStackInstance(row, index)));
  return { rows: reported, regions };
}
