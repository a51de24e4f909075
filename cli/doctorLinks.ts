// The pure side of `doctor`: one engineer's chain as links, each with its value and verdict, and the diagnosis
// (the first broken link in words an engineer can act on, or the user sessions start as). The reads are done at
// the edge (./aws/doctor); what each read means comes from the modules verify and the audit use.
import { RUN_AS_TAG_KEY, RUN_SHELL_DOCUMENT_NAME } from "../policypack/rules/names";
import type { CheckRead, Finding } from "./auditChecks";
import type { AuditRow, AuditStatus } from "./auditRows";
import { abacVerdict, documentVerdict, runAsValueVerdict } from "./chainVerdicts";
import type { Column } from "./report";
import type { AbacState } from "./aws/identityCenter";
import { scimTargetAttribute, sourcePath } from "./userAttributes";

/** The links in the order a session's user is decided. */
export const DOCTOR_LINKS = [
  "entra",
  "identity-store",
  "abac",
  "session-tag",
  "document",
  "session-documents",
  "writer",
  "guardrail",
  // Only with --instance and --run-command.
  "node-user",
] as const;
export type DoctorLinkName = (typeof DOCTOR_LINKS)[number];

/**
 * OK; BROKEN: sessions do not start as the engineer's user (or nothing stops them drifting away from it);
 * WARN: worth a look, fails nothing; SKIPPED: not judged (--no-entra, or a link before it decides it); ERROR:
 * it could not be read.
 */
export const DOCTOR_VERDICTS = ["OK", "BROKEN", "WARN", "SKIPPED", "ERROR"] as const;
export type DoctorVerdict = (typeof DOCTOR_VERDICTS)[number];

/** One link as reported; the field order is the JSON shape. */
export interface DoctorLink {
  link: DoctorLinkName;
  verdict: DoctorVerdict;
  value: string | null;
  detail: string;
  /** What to do about a BROKEN or WARN link; empty otherwise. */
  fix: string;
}

export const DOCTOR_COLUMNS: Column<DoctorLink>[] = [
  { header: "LINK", field: "link" },
  { header: "VERDICT", field: "verdict" },
  { header: "VALUE", field: "value" },
  { header: "DETAIL", field: "detail" },
  // JSON only: the table's last line says the first broken link's fix.
  { header: "FIX", field: "fix", table: false },
];

/** What the doctor read of Entra ID. */
export interface EntraRead {
  /** Why Entra ID was not read (no source to follow). */
  skipped?: string;
  /** The attribute read: --entra-attribute, or the one the mapping reads (undefined: none, or several). */
  attribute?: string;
  /** The provisioning mapping onto the SCIM attribute ABAC's source reads (not read with --entra-attribute). */
  mapping?: { target: string; ok: boolean; detail: string };
  /** The user found by userPrincipalName or mail; undefined: none, or not looked up. */
  user?: { userPrincipalName: string; value?: string };
}

/** The identity-store user (always found: an unknown one stops the doctor as bad input). */
export interface IdentityUserRead {
  userName: string;
  userId: string;
  /** The `${path:…}` source the value was read from: the live ABAC one, else the declared one; none known: undefined. */
  source?: string;
  value?: string;
}

export interface CellRead {
  expectedUser: string;
  document: AuditRow;
  bypass?: Finding;
  writer?: Finding;
  guardrail?: Finding;
  managementAccount: boolean;
}

export interface DoctorReads {
  /** undefined: --no-entra. */
  entra?: CheckRead<EntraRead>;
  identityCenter: CheckRead<{ instanceArn: string; abac: AbacState }>;
  /** The SSMSessionRunAs source the stack declares. */
  declaredSource?: string;
  identityUser: CheckRead<IdentityUserRead>;
  cell: CheckRead<CellRead>;
}

const link = (
  name: DoctorLinkName,
  verdict: DoctorVerdict,
  value: string | null,
  detail: string,
  fix = "",
): DoctorLink => ({ link: name, verdict, value, detail, fix });

const PROVISION_ON_DEMAND =
  "in the Entra admin center, Enterprise applications › the IAM Identity Center app › Provisioning: fix the " +
  "mapping if needed, then Provision on demand for this user (or wait for the next cycle, about 40 minutes)";

function entraLink(read: DoctorReads["entra"], userNameOrEmail: string): DoctorLink {
  if (read === undefined) return link("entra", "SKIPPED", null, "--no-entra: Entra ID was not read");
  if (read.kind === "failed") return link("entra", "ERROR", null, read.reason);
  const { skipped, attribute, mapping, user } = read.value;
  if (skipped !== undefined) return link("entra", "SKIPPED", null, skipped);
  const mapped = mapping ? `mapping to ${mapping.target}: ${mapping.detail}` : "";
  if (mapping && !mapping.ok) {
    return link(
      "entra",
      "BROKEN",
      null,
      mapped,
      "in the Entra admin center, Enterprise applications › the IAM Identity Center app › Provisioning › " +
        `Mappings: map a per-user attribute onto ${mapping.target}`,
    );
  }
  if (attribute === undefined) return link("entra", "OK", null, `${mapped}; no one attribute to read`);
  if (!user) {
    return link(
      "entra",
      "BROKEN",
      null,
      `no Entra ID user has userPrincipalName or mail ${userNameOrEmail}, nor the identity store's userName or email`,
      "pass the engineer's Entra ID userPrincipalName or mail as --user (or --no-entra for the AWS side only)",
    );
  }
  if (user.value === undefined) {
    return link(
      "entra",
      "BROKEN",
      null,
      `${user.userPrincipalName} has no ${attribute}`,
      `set ${attribute} on ${user.userPrincipalName} in the Entra admin center (Users › the user › Properties), or ` +
        "in the on-premises directory it is synchronised from; provisioning then carries it to IAM Identity Center",
    );
  }
  return link(
    "entra",
    "OK",
    user.value,
    `${attribute} of ${user.userPrincipalName}${mapped ? `; ${mapped}` : ""}`,
  );
}

function identityStoreLink(reads: DoctorReads): DoctorLink {
  const read = reads.identityUser;
  if (read.kind === "failed") return link("identity-store", "ERROR", null, read.reason);
  const { userName, userId, source, value } = read.value;
  const who = `${userName} (${userId})`;
  if (source === undefined) {
    return link(
      "identity-store",
      "SKIPPED",
      null,
      `${who} found; no ${RUN_AS_TAG_KEY} source known to read (see abac)`,
    );
  }
  const path = sourcePath(source);
  if (value === undefined) {
    return link(
      "identity-store",
      "BROKEN",
      null,
      `${who} has no ${path}: IAM Identity Center sends no ${RUN_AS_TAG_KEY} tag, so sessions start as the fallback user`,
      `give the user a value: the Entra ID provisioning mapping whose target is ${scimTargetAttribute(path)} ` +
        `must read a per-user attribute that is set for them; ${PROVISION_ON_DEMAND}`,
    );
  }
  const entra = reads.entra?.kind === "read" ? reads.entra.value : undefined;
  if (entra?.attribute !== undefined && entra.user?.value !== undefined && entra.user.value !== value) {
    return link(
      "identity-store",
      "WARN",
      value,
      `${path} of ${who}; Entra ID's ${entra.attribute} is ${JSON.stringify(entra.user.value)}: provisioning ` +
        "has not carried it yet, or the mapping transforms it",
      PROVISION_ON_DEMAND,
    );
  }
  return link("identity-store", "OK", value, `${path} of ${who}`);
}

function abacLink(reads: DoctorReads): { link: DoctorLink; source?: string } {
  const read = reads.identityCenter;
  if (read.kind === "failed") return { link: link("abac", "ERROR", null, read.reason) };
  const { source, ok, detail } = abacVerdict(read.value.abac, read.value.instanceArn, reads.declaredSource);
  if (ok) return { link: link("abac", "OK", source ?? null, detail), source };
  return {
    link: link(
      "abac",
      "BROKEN",
      source ?? null,
      detail,
      `map ${RUN_AS_TAG_KEY} to the login attribute in the stack's accessControlAttributes and run pulumi up ` +
        "(IAM Identity Center › Settings › Attributes for access control shows the live ones)",
    ),
    source,
  };
}

function sessionTagLink(reads: DoctorReads, liveSource: string | undefined): DoctorLink {
  const user = reads.identityUser.kind === "read" ? reads.identityUser.value : undefined;
  if (!liveSource) {
    const why =
      reads.identityCenter.kind === "failed"
        ? "the ABAC configuration could not be read"
        : `ABAC maps no ${RUN_AS_TAG_KEY}: no tag`;
    return link("session-tag", "SKIPPED", null, why);
  }
  if (!user) return link("session-tag", "SKIPPED", null, "the user could not be read (see identity-store)");
  if (user.value === undefined) {
    return link("session-tag", "SKIPPED", null, "no value: no tag (see identity-store)");
  }
  const { ok, detail } = runAsValueVerdict(sourcePath(liveSource), user.value);
  if (ok) return link("session-tag", "OK", user.value, `${RUN_AS_TAG_KEY}=${user.value}`);
  return link(
    "session-tag",
    "BROKEN",
    user.value,
    detail,
    "change the value where it comes from (the Entra ID attribute the provisioning mapping reads), or map " +
      `${RUN_AS_TAG_KEY} to a source that holds login names`,
  );
}

/** What to do about the RunShell document in each state it can be in but the intended one. */
const DOCUMENT_FIXES: Partial<Record<AuditStatus, string>> = {
  MISSING:
    "no RunShell StackSet instance wrote it here: deploy the stack to this account's OU and region " +
    "(pulumi up), or check its StackSet instance",
  RUNAS_DISABLED:
    "the writer turns RunAs back on at the next change or daily run; if it stays off, see the writer link, " +
    "and CloudTrail's UpdateDocument for who turned it off",
  BREAK_GLASS:
    "break-glass is on (the stack's runAsEnabled: false): sessions start as ssm-user by design until " +
    "runAsEnabled: true is rolled out",
  BREAK_GLASS_PENDING:
    "break-glass is rolling out (the stack's runAsEnabled: false): sessions start as ssm-user once it lands",
  WRONG_USER:
    "the fallback user differs from the stack's: the writer corrects it; if it does not, see the writer link",
  LATEST_DIFFERS:
    "a $LATEST write left the default version behind: make the compliant version the default " +
    "(ssm update-document-default-version), or let the writer rewrite it",
};

function documentLink(read: CheckRead<CellRead>): DoctorLink {
  if (read.kind === "failed") return link("document", "ERROR", null, read.reason);
  const { document, expectedUser } = read.value;
  if (document.status === "ERROR") return link("document", "ERROR", null, document.detail);
  const value =
    document.runAsEnabled === null
      ? null
      : `runAsEnabled ${document.runAsEnabled}, runAsDefaultUser ${document.runAsDefaultUser ?? "not set"}`;
  const { ok, detail } = documentVerdict(document, expectedUser);
  if (ok) return link("document", "OK", value, `${RUN_SHELL_DOCUMENT_NAME}: ${detail}`);
  return link("document", "BROKEN", value, detail, DOCUMENT_FIXES[document.status] ?? "");
}

const FINDING_FIXES: Partial<Record<AuditStatus, string>> = {
  BYPASS_DOCUMENT:
    "a session started with --document-name <it> skips RunAs: delete it, or give it runAsEnabled true " +
    "(or list it in the stack's allowed Session documents if it is meant to be there)",
  WRITER_UNHEALTHY:
    "nothing keeps RunAs on here: redeploy the RunShell StackSet instance of this account and region (pulumi up)",
  UNGUARDED:
    "nothing stops a change to RunAs here: attach the guardrail SCPs to the root or the account's OU " +
    "(the stack's guardrail, pulumi up)",
};

function findingLink(
  name: "session-documents" | "writer" | "guardrail",
  read: CheckRead<CellRead>,
  ok: string,
): DoctorLink {
  if (read.kind === "failed") return link(name, "ERROR", null, read.reason);
  const finding = {
    "session-documents": read.value.bypass,
    writer: read.value.writer,
    guardrail: read.value.guardrail,
  }[name];
  if (!finding) return link(name, "OK", null, ok);
  if (finding.status === "ERROR") return link(name, "ERROR", null, finding.detail);
  // As the audit passes it (../auditRows rowPasses): no SCP can ever apply to the management account.
  if (finding.status === "UNGUARDED" && read.value.managementAccount) {
    return link(name, "WARN", null, finding.detail, "prefer a member account for engineers' sessions");
  }
  return link(name, "BROKEN", finding.status, finding.detail, FINDING_FIXES[finding.status] ?? "");
}

/** Every link of the chain, in order. */
export function doctorLinks(reads: DoctorReads, userNameOrEmail: string): DoctorLink[] {
  const abac = abacLink(reads);
  return [
    entraLink(reads.entra, userNameOrEmail),
    identityStoreLink(reads),
    abac.link,
    sessionTagLink(reads, abac.source),
    documentLink(reads.cell),
    findingLink("session-documents", reads.cell, "no other Session document of the account bypasses RunAs"),
    findingLink("writer", reads.cell, "the writer and both reconcile rules are healthy"),
    findingLink("guardrail", reads.cell, "both guardrail SCPs apply to the account"),
  ];
}

/** What Run Command's `getent passwd <user>` on the node answered (GetCommandInvocation). */
export interface NodeUserRead {
  instanceId: string;
  user: string;
  status: string;
  statusDetails?: string;
  responseCode?: number;
  stdout: string;
  stderr: string;
}

/**
 * The shell command that asks the node for the user; `user` has passed the Linux-user rule (`session-tag` OK),
 * and is quoted all the same.
 */
export function getentCommand(user: string): string {
  return `getent passwd '${user.replace(/'/g, "'\\''")}'`;
}

/** The `node-user` link: does the session user exist on the node? undefined: no session user to look for. */
export function nodeUserLink(read: CheckRead<NodeUserRead> | undefined): DoctorLink {
  if (read === undefined) {
    return link("node-user", "SKIPPED", null, "no session user to look for (see session-tag)");
  }
  if (read.kind === "failed") return link("node-user", "ERROR", null, read.reason);
  const { instanceId, user, status, statusDetails, responseCode, stdout, stderr } = read.value;
  if (status === "Success" && responseCode === 0) {
    const entry = stdout.trim().split("\n")[0];
    return link("node-user", "OK", user, `${instanceId} knows ${user}${entry ? `: ${entry}` : ""}`);
  }
  // getent's exit code 2: the key was not found in the database.
  if (status === "Failed" && responseCode === 2) {
    return link(
      "node-user",
      "BROKEN",
      user,
      `no user ${user} on ${instanceId} (getent passwd exit 2): sessions there fail to start as ${user}`,
      "make the user exist on the node: the directory join (SSSD) that provides engineers' users, or the " +
        "configuration management fed from ssm-runas audit users --format json",
    );
  }
  const why = [status, statusDetails !== status ? statusDetails : undefined, responseCode]
    .filter((part) => part !== undefined && part !== "")
    .join(", ");
  return link(
    "node-user",
    "ERROR",
    user,
    `Run Command on ${instanceId}: ${why}${stderr ? `: ${stderr.trim()}` : ""}`,
  );
}

export interface Diagnosis {
  /** 0: sessions start as the engineer's user; 1: a link is broken; 2: a link could not be read. */
  exitCode: 0 | 1 | 2;
  /** The first BROKEN or ERROR link. */
  firstBroken: DoctorLinkName | null;
  /** The user sessions start as when the chain holds. */
  sessionUser: string | null;
  /** One line. */
  conclusion: string;
}

export function diagnose(links: readonly DoctorLink[]): Diagnosis {
  const first = links.find(({ verdict }) => verdict === "BROKEN" || verdict === "ERROR");
  if (first?.verdict === "ERROR") {
    return {
      exitCode: 2,
      firstBroken: first.link,
      sessionUser: null,
      conclusion: `cannot tell: ${first.link} could not be read: ${first.detail}`,
    };
  }
  if (first) {
    return {
      exitCode: 1,
      firstBroken: first.link,
      sessionUser: null,
      conclusion: `first broken link: ${first.link}: ${first.detail}${first.fix ? `. Fix: ${first.fix}` : ""}`,
    };
  }
  const user = links.find(({ link: name }) => name === "session-tag")?.value ?? null;
  return { exitCode: 0, firstBroken: null, sessionUser: user, conclusion: `sessions start as \`${user}\`` };
}
