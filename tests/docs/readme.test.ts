// The documentation (README.md, the map; docs/ by audience; policypack/README.md) must keep working as the code
// changes. Every command in it is extracted (```sh blocks, and inline `code` that starts with a command) and
// checked by what can run here:
//   npm run synth …        run for real (to a temporary folder), the files it promises must appear;
//   npx ssm-runas audit …  those of the rollout runbook run for real (the bin) against the moto emulator, on an
//                          organisation seeded to match, State Manager included (testing/motoStateManager.py:
//                          nodes, the StackSet's association, its runs' results); the pre-flight step's command
//                          from FALLBACK_USER_PENDING to passing;
//   npx ssm-runas …        every subcommand must be listed by its parent's --help, every option by its own;
//   aws …                  the service, operation and options must exist in botocore's models (what the AWS
//                          CLI is built from), since no AWS account is reachable;
//   pulumi …               a known subcommand, an existing Pulumi.<stack>.yaml, an existing policy pack;
//   anything else          must be on a short list of tools the test knowingly does not check.
// A command that fits none of these fails the test, so a new one gets a check or a conscious exemption.
// Besides: README.md stays a map (small, linking to every document), every relative link resolves, and no
// document points at anything outside the repository.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { STACK_CONFIG_KEYS } from "../../config/schema";
import { motoEnvironment, resetMoto, startMoto } from "../../testing/moto";
import { enforceIamPolicies, seedOrganization, type SeededDocuments } from "../../testing/seedOrganization";
import { FALLBACK_USER_ASSOCIATION_NAME } from "../../policypack/rules/names";
import {
  resultsFor,
  seedAssociationResults,
  seedManagedNodes,
  type Cell,
} from "../../testing/motoStateManager";
import { runCli } from "../support/cli";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "cli", "ssm-runas.js");

const README = "README.md";
const OPERATIONS = "docs/operations.md";
/** Every user document: all their commands are checked, all their links followed. */
const DOC_FILES = [
  README,
  "docs/design.md",
  "docs/configuration.md",
  OPERATIONS,
  "docs/lza.md",
  "docs/threat-model.md",
  "docs/development.md",
  "policypack/README.md",
];
const DOCS = new Map(DOC_FILES.map((file) => [file, fs.readFileSync(path.join(ROOT, file), "utf8")]));
const doc = (file: string) => DOCS.get(file) ?? "";

/** README.md is the map: what it is, the quick start, links. Everything else lives in docs/. */
const README_MAX_BYTES = 12 * 1024;

// Tools the documents may use that cannot be checked here (they act on an instance, a browser or a git checkout).
const UNCHECKED_TOOLS = new Set(["getent", "base64", "git", "cd", "whoami", "jq"]);

const PULUMI_COMMANDS: Record<string, string[] | null> = {
  login: null,
  whoami: null,
  preview: null,
  up: null,
  destroy: null,
  refresh: null,
  import: null,
  cancel: null,
  stack: ["init", "select", "ls", "output", "rm"],
  state: ["delete", "unprotect"],
  policy: ["publish", "enable", "validate-config", "ls"],
  config: ["set", "get"],
};
// Flags the documents may mention on their own (`pulumi --policy-pack-config`): preview and up take them.
const PULUMI_FLAGS = new Set(["--stack", "--policy-pack", "--policy-pack-config", "--refresh", "--diff"]);

// --- extraction ------------------------------------------------------------------------------------------

/** `## Title` → its text up to the next `## ` heading (subsections included). */
function docSections(markdown: string): Map<string, string> {
  const result = new Map<string, string>();
  const parts = markdown.split(/^## /m).slice(1);
  for (const part of parts) {
    const newline = part.indexOf("\n");
    result.set(part.slice(0, newline).trim(), part.slice(newline + 1));
  }
  return result;
}

const FENCE = /^( *)```(\w*)\n([\s\S]*?)^\1```/gm;
const SHELL_LANGUAGES = new Set(["sh", "bash", "shell", "console"]);
const COMMAND_START = /^(npx |npm |ssm-runas |aws |pulumi )/;

/** One command per line of each shell block (continuations joined, comments and prompts dropped, `&&` split). */
function blockCommands(body: string): string[] {
  const commands: string[] = [];
  for (const match of body.matchAll(FENCE)) {
    if (!SHELL_LANGUAGES.has(match[2])) continue;
    const joined = match[3].replace(/\\\n\s*/g, " ");
    for (const raw of joined.split("\n")) {
      const line = raw
        .replace(/^\s*\$ /, "")
        .replace(/(^|\s+)#\s.*$/, "")
        .trim();
      if (!line) continue;
      commands.push(...line.split(/\s+&&\s+/).map((part) => part.trim()));
    }
  }
  return commands;
}

/** Inline `code` outside fenced blocks that reads as a command. */
function inlineCommands(body: string): string[] {
  const prose = body.replace(FENCE, "");
  return [...prose.matchAll(/`([^`\n]+)`/g)]
    .map((m) => m[1].trim())
    .filter((code) => COMMAND_START.test(code));
}

/** Shell-style words: whitespace-separated, quotes grouping and removed. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? match[3]);
  }
  return words;
}

const isPlaceholder = (word: string) => /[<>…]/.test(word);

// --- ssm-runas: subcommands and options from --help ------------------------------------------------------

const helpCache = new Map<string, string>();

function cliHelp(commandPath: string[]): string {
  const key = commandPath.join(" ");
  let text = helpCache.get(key);
  if (text === undefined) {
    const run = spawnSync(process.execPath, [CLI, ...commandPath, "--help"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    if (run.status !== 0) throw new Error(`ssm-runas ${key} --help exited ${run.status}: ${run.stderr}`);
    text = run.stdout;
    helpCache.set(key, text);
  }
  return text;
}

/** The subcommand names a --help text lists under "Commands:". */
function helpCommands(help: string): string[] {
  const section = /^Commands:\n([\s\S]*?)(?:\n\n|(?![\s\S]))/m.exec(help)?.[1] ?? "";
  return section
    .split("\n")
    .map((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name));
}

function helpHasOption(help: string, option: string): boolean {
  const escaped = option.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[\\s,])${escaped}(?=$|[\\s,<[=])`, "m").test(help);
}

/** `ssm-runas a b --x 1 --y` → the subcommand path and the options used. */
function splitCliWords(words: string[]): { commandPath: string[]; options: string[]; values: string[] } {
  const firstOption = words.findIndex((w) => w.startsWith("-"));
  const commandPath = firstOption === -1 ? words : words.slice(0, firstOption);
  const rest = firstOption === -1 ? [] : words.slice(firstOption);
  return {
    commandPath,
    options: rest.filter((w) => w.startsWith("-")).map((w) => w.split("=")[0]),
    values: rest,
  };
}

function optionValue(words: string[], ...names: string[]): string | undefined {
  const at = words.findIndex((w) => names.includes(w));
  return at >= 0 ? words[at + 1] : undefined;
}

function checkStackFile(stack: string | undefined, problems: string[], command: string) {
  if (stack === undefined || isPlaceholder(stack)) return;
  const shortName = stack.split("/").pop() ?? stack;
  if (!fs.existsSync(path.join(ROOT, `Pulumi.${shortName}.yaml`))) {
    problems.push(`${command}: there is no Pulumi.${shortName}.yaml`);
  }
}

function checkSsmRunas(words: string[], command: string): string[] {
  const problems: string[] = [];
  const { commandPath, options, values } = splitCliWords(words);
  for (let depth = 0; depth < commandPath.length; depth += 1) {
    const listed = helpCommands(cliHelp(commandPath.slice(0, depth)));
    if (!listed.includes(commandPath[depth])) {
      problems.push(`${command}: \`${commandPath.slice(0, depth + 1).join(" ")}\` is not a subcommand`);
      return problems;
    }
  }
  if (commandPath.length === 0) problems.push(`${command}: no subcommand`);
  const help = cliHelp(commandPath);
  for (const option of options) {
    if (!helpHasOption(help, option))
      problems.push(`${command}: ${option} is not an option of this subcommand`);
  }
  checkStackFile(optionValue(values, "--stack"), problems, command);
  return problems;
}

// --- npm, pulumi, aws ------------------------------------------------------------------------------------

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

function checkNpm(words: string[], command: string): string[] {
  const [, verb, script] = words;
  if (verb === "ci" || verb === "install") return [];
  if (verb === "test") return packageJson.scripts.test ? [] : [`${command}: no "test" script`];
  if (verb === "run")
    return packageJson.scripts[script] ? [] : [`${command}: no "${script}" script in package.json`];
  return [`${command}: npm ${verb} is not a command the test knows`];
}

function checkPulumi(words: string[], command: string): string[] {
  const problems: string[] = [];
  const [, verb, sub] = words;
  if (verb?.startsWith("-")) {
    return PULUMI_FLAGS.has(verb) ? [] : [`${command}: ${verb} is not a flag the test knows`];
  }
  if (!(verb in PULUMI_COMMANDS)) return [`${command}: pulumi ${verb} is not a command the test knows`];
  const subs = PULUMI_COMMANDS[verb];
  if (subs && !subs.includes(sub))
    problems.push(`${command}: pulumi ${verb} ${sub} is not a command the test knows`);
  if (verb === "stack" && (sub === "init" || sub === "select")) {
    const named = words[3] && !words[3].startsWith("-") ? words[3] : undefined;
    checkStackFile(named, problems, command);
  }
  checkStackFile(optionValue(words, "--stack", "-s"), problems, command);
  const pack = optionValue(words, "--policy-pack");
  if (pack !== undefined && !fs.existsSync(path.join(ROOT, pack, "PulumiPolicy.yaml"))) {
    problems.push(`${command}: ${pack}/PulumiPolicy.yaml does not exist`);
  }
  return problems;
}

// botocore holds the service models the AWS CLI is generated from: service, operation (kebab-case) and its
// input members (--kebab-case), plus the CLI's global and pagination options and its few hand-written commands.
const BOTOCORE_CHECK = String.raw`
import json, sys
import botocore.session
from botocore import xform_name
session = botocore.session.get_session()
services = set(session.get_available_services())
renamed = {"s3api": "s3", "configservice": "config"}
custom = {("sso", "login"), ("sso", "logout"), ("logs", "tail")}
global_options = {"region", "query", "output", "profile", "endpoint-url", "no-cli-pager", "debug",
                  "no-paginate", "cli-input-json", "cli-read-timeout", "cli-connect-timeout", "color"}
results = []
for words in json.load(sys.stdin):
    problems = []
    if len(words) < 3:
        results.append(["needs a service and an operation"])
        continue
    service, operation = words[1], words[2]
    if (service, operation) in custom:
        results.append([])
        continue
    name = renamed.get(service, service)
    if name not in services:
        results.append(["no AWS service " + service])
        continue
    model = session.get_service_model(name)
    operations = {xform_name(op, "-"): op for op in model.operation_names}
    if operation not in operations:
        results.append(["no operation " + service + " " + operation])
        continue
    shape = model.operation_model(operations[operation]).input_shape
    members = {xform_name(m, "-") for m in (shape.members if shape is not None else {})}
    try:
        paginated = session.get_paginator_model(name).get_paginator(operations[operation]) is not None
    except Exception:
        paginated = False
    allowed = members | global_options | ({"max-items", "starting-token", "page-size"} if paginated else set())
    for word in words[3:]:
        if word.startswith("--"):
            option = word[2:].split("=")[0]
            if option not in allowed and not (option.startswith("no-") and option[3:] in members):
                problems.append("--" + option + " is not an option of " + service + " " + operation)
    results.append(problems)
print(json.dumps(results))
`;

function checkAws(commands: { words: string[]; command: string }[]): string[] {
  if (commands.length === 0) return [];
  const run = spawnSync("python3", ["-c", BOTOCORE_CHECK], {
    input: JSON.stringify(commands.map((c) => c.words)),
    encoding: "utf8",
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`botocore check failed: ${run.stderr}`);
  const results = JSON.parse(run.stdout) as string[][];
  return results.flatMap((problems, i) => problems.map((p) => `${commands[i].command}: ${p}`));
}

// --- classification ----------------------------------------------------------------------------------------

type Kind = "npm" | "ssm-runas" | "aws" | "pulumi" | "unchecked" | "unknown";

/** The words of a command with `npx` removed, and what kind of command it is. */
function classify(command: string): { kind: Kind; words: string[] } {
  let words = shellWords(command);
  if (words[0] === "npx") words = words.slice(1);
  const tool = words[0];
  if (tool === "ssm-runas") return { kind: "ssm-runas", words: words.slice(1) };
  if (tool === "npm" || tool === "aws" || tool === "pulumi") return { kind: tool, words };
  if (UNCHECKED_TOOLS.has(tool)) return { kind: "unchecked", words };
  return { kind: "unknown", words };
}

/** Every problem with a list of documented commands (empty when they all check out). */
function checkCommands(commands: string[]): string[] {
  const problems: string[] = [];
  const aws: { words: string[]; command: string }[] = [];
  for (const command of commands) {
    const { kind, words } = classify(command);
    if (kind === "ssm-runas") problems.push(...checkSsmRunas(words, command));
    else if (kind === "npm") problems.push(...checkNpm(words, command));
    else if (kind === "pulumi") problems.push(...checkPulumi(words, command));
    else if (kind === "aws") aws.push({ words, command });
    else if (kind === "unknown") problems.push(`${command}: not a command this test knows how to check`);
  }
  return [...problems, ...checkAws(aws)];
}

// --- what is run for real ----------------------------------------------------------------------------------

/** Every command of every document, with the `## ` section it stands in; `inline` ones are mentions in prose,
 * checked but never run. */
function docCommands(): { file: string; section: string; command: string; inline: boolean }[] {
  return DOC_FILES.flatMap((file) =>
    [...docSections(doc(file))].flatMap(([section, body]) => [
      ...blockCommands(body).map((command) => ({ file, section, command, inline: false })),
      ...inlineCommands(body).map((command) => ({ file, section, command, inline: true })),
    ]),
  );
}

/** The instructions (shell blocks) that can run here as written, no placeholders; `where` narrows them. */
const runnableCommands = (where: (c: { file: string; section: string }) => boolean = () => true) =>
  unique(
    docCommands()
      .filter((c) => !c.inline && where(c))
      .map((c) => c.command),
  ).filter((command) => !shellWords(command).some(isPlaceholder));

const unique = <T>(items: T[]) => [...new Set(items)];

function runScript(script: string, args: string[]) {
  const [program, ...scriptArgs] = shellWords(packageJson.scripts[script]);
  expect(program, `the ${script} script runs node`).to.equal("node");
  return spawnSync(process.execPath, [...scriptArgs, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
}

/** `npm run synth -- --stack dev [--out x]` → the synth script's argv, writing to `out` instead. */
function synthArguments(words: string[], out: string): string[] {
  const separator = words.indexOf("--");
  const args = separator >= 0 ? words.slice(separator + 1) : [];
  const outAt = args.indexOf("--out");
  if (outAt >= 0) args.splice(outAt, 2);
  return [...args, "--out", out];
}

/** The files the offline-render table of operations.md promises (first column); `<name>` stands for any name. */
function promisedSynthFiles(): string[] {
  const section = docSections(doc(OPERATIONS)).get("Offline render (`synth`)") ?? "";
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
}

/** Whether synth wrote `file` into `out`: a `<…>` placeholder matches one or more files of that folder. */
function synthWrote(out: string, file: string): boolean {
  if (!isPlaceholder(file)) return fs.existsSync(path.join(out, file));
  const dir = path.posix.dirname(file);
  const pattern = new RegExp(
    `^${path.posix
      .basename(file)
      .split(/<[^>]+>/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]+")}$`,
  );
  const folder = path.join(out, dir);
  return fs.existsSync(folder) && fs.readdirSync(folder).some((name) => pattern.test(name));
}

// The example stacks' OU and root ids, so a documented command naming them runs against the seeded organisation.
function exampleIds(): string[] {
  const text = ["dev", "prod"]
    .map((s) => fs.readFileSync(path.join(ROOT, `Pulumi.${s}.yaml`), "utf8"))
    .join("\n");
  return unique(text.match(/\b(ou-[a-z0-9]+-[a-z0-9]+|r-[a-z0-9]+)\b/g) ?? []);
}

const PROD = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as {
  config: Record<string, unknown>;
};

// --- links and outside references ------------------------------------------------------------------------

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of markdown.replace(FENCE, "").matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = match[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Every relative link of `markdown` (a document at `file`) that names a missing file or heading. */
function brokenLinks(file: string, markdown: string, read: (file: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const match of markdown.replace(FENCE, "").matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1];
    if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:
    const [linked, anchor] = target.split("#", 2);
    const targetFile = linked
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), linked))
      : file;
    const text = read(targetFile);
    if (text === undefined) problems.push(`${file}: ${target}: no file ${targetFile}`);
    else if (anchor !== undefined && !headingAnchors(text).has(anchor))
      problems.push(`${file}: ${target}: no heading #${anchor} in ${targetFile}`);
  }
  return problems;
}

const readRepoFile = (file: string) => {
  const full = path.join(ROOT, file);
  if (!fs.existsSync(full)) return undefined;
  return fs.statSync(full).isDirectory() ? "" : fs.readFileSync(full, "utf8");
};

/** Words that point at something outside the repository: planning documents and tracker numbers. */
const OUTSIDE_REFERENCES = [/\bDESIGN\.md\b/, /\bthe seeds?\b/i, /\bbrief\b/i, /\bissue #\d+/i];

function outsideReferences(text: string): string[] {
  return OUTSIDE_REFERENCES.flatMap((pattern) =>
    [...text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))].map((m) => m[0]),
  );
}

// --- tests -------------------------------------------------------------------------------------------------

describe("documentation", () => {
  const operations = docSections(doc(OPERATIONS));
  const headings = [...operations.keys()];

  it("README.md is a map: at most 12 KB, linking to every other document", () => {
    expect(Buffer.byteLength(doc(README), "utf8")).to.be.at.most(README_MAX_BYTES);
    for (const file of DOC_FILES.filter((f) => f !== README)) {
      expect(doc(README), `a link to ${file}`).to.include(`](${file}`);
    }
    expect(docSections(doc(README)).has("Quick start")).to.equal(true);
  });

  it("every document in docs/ is one this test reads", () => {
    const inDocs = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
    expect(DOC_FILES).to.include.members(inDocs.map((f) => `docs/${f}`));
  });

  it("every relative link resolves to a file, and to a heading there", () => {
    const problems = DOC_FILES.flatMap((file) => brokenLinks(file, doc(file), readRepoFile));
    expect(problems).to.deep.equal([]);
  });

  it("the link checker refuses a missing file or heading (so a pass means something)", () => {
    const files: Record<string, string> = { "docs/a.md": "# A\n\n## Two words\n\n## Two words\n" };
    const read = (file: string) => files[file];
    expect(
      brokenLinks(
        "README.md",
        "[ok](docs/a.md#two-words-1) [ok](docs/a.md) [ok](https://example.com/x#y) [file](docs/b.md) [head](docs/a.md#three)",
        read,
      ),
    ).to.have.length(2);
    expect(brokenLinks("docs/a.md", "[up](../docs/a.md#a) [same](#two-words)", read)).to.deep.equal([]);
    expect(
      headingAnchors("### 1. Entra ID: a per-user `x`\n## CI/CD\n## Offline render (`synth`)"),
    ).to.have.all.keys("1-entra-id-a-per-user-x", "cicd", "offline-render-synth");
  });

  it("no document points at anything outside the repository", () => {
    const texts = [...DOC_FILES, "Pulumi.dev.yaml", "Pulumi.prod.yaml"].map((file) => ({
      file,
      found: outsideReferences(readRepoFile(file) ?? ""),
    }));
    expect(texts.filter((t) => t.found.length > 0)).to.deep.equal([]);
    // Negative control.
    expect(
      outsideReferences("See DESIGN.md; the seeds planned it; per the brief; issue #11. Briefly, fine."),
    ).to.have.length(4);
  });

  it("operations: the rollout runbook, rollback, troubleshooting and CI/CD, the runbook first", () => {
    const at = (title: string) => headings.indexOf(title);
    for (const title of ["Rollout runbook", "Rollback", "Troubleshooting", "CI/CD"]) {
      expect(at(title), title).to.be.at.least(0);
    }
    expect(at("Rollout runbook")).to.be.lessThan(at("Troubleshooting"));
  });

  it("runbook: the five stages in order, each with its rollback, and LZA coexistence", () => {
    const runbook = operations.get("Rollout runbook") ?? "";
    const stages = [...runbook.matchAll(/^### (\d)\. (.+)$/gm)].map((m) => [Number(m[1]), m[2]] as const);
    expect(stages.map(([n]) => n)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(stages.map(([, title]) => title).join(" | ")).to.match(/Entra.*ABAC.*StackSet.*SCP.*Production/);
    const bodies = runbook.split(/^### /m).slice(1);
    for (const body of bodies.slice(0, 5)) expect(body, body.split("\n")[0]).to.match(/Rollback/);
    expect(runbook).to.match(/^### LZA coexistence$/m);
    for (const anchor of [
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
      "${path:enterprise.employeeNumber}",
      "importExistingAbac",
      "npx ssm-runas abac describe",
      "npx ssm-runas audit",
      "npx ssm-runas verify",
      "runAsEnabled: false",
    ]) {
      expect(runbook, anchor).to.include(anchor);
    }
  });

  it("runbook: names config keys that exist", () => {
    // camelCase words in code that are not stack config keys, each for a reason.
    const notConfig = new Set([
      "employeeId", // Entra ID user attribute
      "extensionAttribute1", // Entra ID user attribute
      "runAsEnabled", // a field of the RunShell document
      "requiredExceptionPrincipals", // a policy pack setting
      "allowBreakGlass",
      "policyPacks", // pulumi/actions inputs
      "policyPackConfigs",
      "secretsprovider", // lines `pulumi stack init` adds to Pulumi.<stack>.yaml
      "encryptionsalt",
    ]);
    const text = ["CI/CD", "Rollout runbook", "Troubleshooting"]
      .map((s) => operations.get(s) ?? "")
      .join("\n");
    const words = unique([...text.matchAll(/`([a-z]+[A-Z][A-Za-z0-9]*)`/g)].map((m) => m[1]));
    expect(words.length).to.be.greaterThan(5);
    for (const word of words) {
      if (notConfig.has(word)) continue;
      expect(STACK_CONFIG_KEYS as string[], `\`${word}\``).to.include(word);
    }
  });

  it("troubleshooting: a row per known symptom, each with cause, a command that confirms it, and a fix", () => {
    const rows = (operations.get("Troubleshooting") ?? "")
      .split("\n")
      .filter((line) => line.startsWith("| ") && !/^\| (symptom|---)/.test(line))
      .map((line) => line.slice(2, -2).split(" | "));
    const symptoms = [
      /ssm-user/,
      /sign-in.*rejected/i,
      /ConflictException/,
      /DocumentAlreadyExists/,
      /StackSet instance failed/,
    ];
    for (const symptom of symptoms) {
      const row = rows.find(([first]) => symptom.test(first));
      expect(row, String(symptom)).to.not.equal(undefined);
      expect(row, String(symptom)).to.have.length(4);
      for (const cell of row ?? []) expect(cell.trim()).to.not.equal("");
      expect(inlineCommands(row?.[2] ?? ""), `${symptom}: a command in "confirm"`).to.not.deep.equal([]);
    }
  });

  it("CI/CD: documents exactly the variables and secrets the workflows read", () => {
    const workflowsDir = path.join(ROOT, ".github", "workflows");
    const workflowText = fs
      .readdirSync(workflowsDir)
      .map((f) => fs.readFileSync(path.join(workflowsDir, f), "utf8"))
      .join("\n");
    const used = unique(
      [...workflowText.matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]),
    );
    const documented = unique(
      [
        ...(operations.get("CI/CD") ?? "").matchAll(/^\| `([A-Z][A-Z0-9_]+)`(?:, `([A-Z][A-Z0-9_]+)`)?/gm),
      ].flatMap((m) => [m[1], m[2]].filter((name): name is string => Boolean(name))),
    );
    expect(used.length).to.be.greaterThan(5);
    expect(documented).to.have.members(used);
  });

  describe("commands", () => {
    it("are found where users follow them: the quick start, the runbook, troubleshooting, CI/CD", () => {
      const found = docCommands();
      for (const [file, section] of [
        [README, "Quick start"],
        [OPERATIONS, "Rollout runbook"],
        [OPERATIONS, "Troubleshooting"],
        [OPERATIONS, "CI/CD"],
      ]) {
        expect(
          found.filter((c) => c.file === file && c.section === section),
          `${file}: ${section}`,
        ).to.not.deep.equal([]);
      }
      for (const command of ["npm ci", "npm test"]) {
        expect(runnableCommands((c) => c.file === README && c.section === "Quick start")).to.include(command);
      }
    });

    it("name subcommands, options, scripts, stacks and AWS operations that exist", () => {
      const commands = unique(docCommands().map((c) => c.command));
      expect(checkCommands(commands)).to.deep.equal([]);
    }).timeout(180_000);

    it("the checker refuses what does not exist (so a pass means something)", () => {
      expect(
        checkCommands([
          "npx ssm-runas audti --stack prod",
          "npx ssm-runas audit --stak prod",
          "npx ssm-runas abac describe --stack nosuchstack",
          "npm run sytnh -- --stack dev",
          "aws ssm get-documnet --name x",
          "aws ssm get-document --nmae x",
          "pulumi preview --stack dev --policy-pack nowhere",
          "terraform apply",
        ]),
      ).to.have.length(8);
      expect(
        checkCommands(["npx ssm-runas audit users --stack prod --json", "aws ssm get-document --name x"]),
      ).to.deep.equal([]);
    }).timeout(180_000);

    it("the offline-render table promises the ABAC list, each SCP, the template and the policy report", () => {
      const promised = promisedSynthFiles();
      expect(promised).to.include.members([
        "abac.json",
        "scp/<name>.json",
        "runshell-stackset.template.json",
        "policy-report.json",
      ]);
      // synth writes one file per SCP since there are two; the single scp.json is gone from every document.
      const stale = DOC_FILES.filter((file) => /\bscp\.json\b/.test(doc(file)));
      expect(stale).to.deep.equal([]);
      // Negative control of the placeholder match.
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-readme-"));
      try {
        fs.mkdirSync(path.join(out, "scp"));
        expect(synthWrote(out, "scp/<name>.json")).to.equal(false);
        fs.writeFileSync(path.join(out, "scp", "x.json"), "{}");
        expect(synthWrote(out, "scp/<name>.json")).to.equal(true);
        expect(synthWrote(out, "lza/<name>.json")).to.equal(false);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });

    it("npm run synth: each one runs and writes what the documents promise", () => {
      const synths = runnableCommands().filter((c) => /^npm run synth\b/.test(c));
      const stacks = synths.map((c) => optionValue(shellWords(c), "--stack"));
      expect(stacks).to.include.members(["dev", "prod"]);
      for (const command of synths) {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-readme-"));
        try {
          const run = runScript("synth", synthArguments(shellWords(command), out));
          expect(run.status, `${command}\n${run.stderr}`).to.equal(0);
          for (const file of promisedSynthFiles()) {
            expect(synthWrote(out, file), `${command}: ${file}`).to.equal(true);
          }
        } finally {
          fs.rmSync(out, { recursive: true, force: true });
        }
      }
    }).timeout(300_000);

    describe("npx ssm-runas audit, against the emulator", () => {
      const audits = () =>
        runnableCommands((c) => c.file === OPERATIONS && c.section === "Rollout runbook")
          .map((command) => ({ command, ...classify(command) }))
          .filter(({ kind, words }) => kind === "ssm-runas" && words[0] === "audit" && words[1] !== "users");

      const regions = PROD.config["ssm-runas-sync:regions"] as string[];
      const user = PROD.config["ssm-runas-sync:runAsDefaultUser"] as string;
      const documents = (override: SeededDocuments = {}): SeededDocuments => ({
        ...Object.fromEntries(
          regions.map((region) => [region, { runAsEnabled: true, runAsDefaultUser: user }]),
        ),
        ...override,
      });

      interface SeedOptions {
        /** The RunShell documents' RunAs values, by region (default: on with the stack's user). */
        override?: SeededDocuments;
        /** Deployed with runAsEnabled: false: the documents and the writers have RunAs off. */
        breakGlass?: boolean;
        /** The guardrail SCPs on the root (default), or not attached yet (stage 3). */
        guardrail?: boolean;
        /** Linux nodes per account × region that have not run the fallback-user association yet. */
        pending?: number;
      }

      /**
       * Seeds an organisation whose OUs stand for the example stacks' ids, with three Linux managed nodes beside the
       * StackSet's fallback-user association (seedOrganization's) in every account × region. Returns documented
       * id → seeded id, and what makes every node's last run a success.
       */
      async function seed({
        override = {},
        breakGlass = false,
        guardrail = true,
        pending = 0,
      }: SeedOptions = {}) {
        const { endpoint } = await startMoto();
        await resetMoto();
        await enforceIamPolicies(endpoint, false); // whatever an earlier test left switched on
        const ids = exampleIds();
        const ous = ids.filter((id) => id.startsWith("ou-"));
        const off = breakGlass
          ? {
              documents: documents(
                Object.fromEntries(regions.map((r) => [r, { runAsEnabled: false, runAsDefaultUser: user }])),
              ),
              writers: Object.fromEntries(regions.map((r) => [r, { runAsEnabled: "false" }])),
            }
          : { documents: documents(override) };
        const seeded = await seedOrganization(endpoint, {
          ous: ous.map((_, i) => ({ name: `ou${i}` })),
          management: off.documents,
          managementExtras: { writers: off.writers },
          accounts: [
            ...ous.map((_, i) => ({ name: `member${i}`, ou: `ou${i}`, ...off })),
            { name: "outside-any-ou", ...off },
          ],
          ...(guardrail ? {} : { guardrail: false as const }),
        });
        const map = new Map<string, string>(ous.map((id, i) => [id, seeded.ouIds[`ou${i}`]]));
        for (const id of ids.filter((i) => i.startsWith("r-"))) map.set(id, seeded.rootId);
        const nodes: { cell: Cell; linux: string[] }[] = [];
        for (const accountId of [seeded.managementAccountId, ...Object.values(seeded.accountIds)]) {
          for (const region of regions) {
            const cell = { endpoint, accountId, region };
            const { linux } = await seedManagedNodes(cell, { linux: 3 });
            await seedAssociationResults(
              cell,
              FALLBACK_USER_ASSOCIATION_NAME,
              resultsFor(linux.slice(pending), "Success"),
            );
            nodes.push({ cell, linux });
          }
        }
        const everyRunSucceeded = async () => {
          for (const { cell, linux } of nodes) {
            await seedAssociationResults(cell, FALLBACK_USER_ASSOCIATION_NAME, resultsFor(linux, "Success"));
          }
        };
        return { ids: map, everyRunSucceeded };
      }

      /** Runs the documented audit with the real bin, the stack's ids standing for the seeded organisation's. */
      async function runAudit(words: string[], ids: Map<string, string>, stackConfig = "") {
        const args = words.map((w) => ids.get(w) ?? w);
        const unmapped = args.filter(
          (w) => /^(ou-|r-)/.test(w) && !ids.has(w) && ![...ids.values()].includes(w),
        );
        expect(unmapped, "ids the example stacks do not define").to.deep.equal([]);
        const env = motoEnvironment(await startMoto());
        // The stack's own ids stand for the seeded organisation's, so that its deploymentTargets hold the
        // seeded accounts (an account outside them would be OUT_OF_SCOPE, not read).
        const stack = args[args.indexOf("--stack") + 1];
        const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-runbook-"));
        try {
          fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
          if (args.includes("--stack")) {
            let text = fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
            for (const [documented, seeded] of ids) text = text.split(documented).join(seeded);
            text = text.replace(/^config:\n/m, `config:\n${stackConfig}`);
            fs.writeFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), text);
          }
          const run = await runCli([...args, "--project-dir", projectDir], { env, timeoutMs: 120_000 });
          return { status: run.code, stdout: run.stdout, stderr: run.stderr };
        } finally {
          fs.rmSync(projectDir, { recursive: true, force: true });
        }
      }

      it("every audit in the runbook reports a compliant organisation as COMPLIANT (exit 0)", async () => {
        const commands = audits();
        expect(commands.length, "runnable audits in the runbook").to.be.greaterThanOrEqual(2);
        const { ids } = await seed();
        for (const { command, words } of commands) {
          const run = await runAudit(words, ids);
          expect(run.status, `${command}\n${run.stdout}\n${run.stderr}`).to.equal(0);
          expect(run.stdout).to.match(/COMPLIANT/);
        }
      }).timeout(300_000);

      it("…and every audit that counts the fallback user shows Linux nodes without it as FALLBACK_USER_PENDING (exit 1)", async () => {
        // A --stack (the prod stack deploys the association) unless --no-fallback-user, or --fallback-user.
        const counting = audits().filter(
          ({ words }) =>
            (words.includes("--stack") && !words.includes("--no-fallback-user")) ||
            words.includes("--fallback-user"),
        );
        expect(
          counting.length,
          "audits that count the fallback user in the runbook",
        ).to.be.greaterThanOrEqual(1);
        const { ids } = await seed({ pending: 1 });
        for (const { command, words } of counting) {
          const run = await runAudit(words, ids);
          expect(run.status, `${command}\n${run.stdout}\n${run.stderr}`).to.equal(1);
          expect(run.stdout).to.match(
            /FALLBACK_USER_PENDING\s.*1 of 3 Linux managed nodes without a successful run/,
          );
        }
      }).timeout(300_000);

      describe("stage 3's pre-flight, the command as the runbook shows it", () => {
        const preflight = () => {
          const runbook = docSections(doc(OPERATIONS)).get("Rollout runbook") ?? "";
          const step = runbook.indexOf("**Pre-flight: the fallback user first.**");
          expect(step, "the pre-flight step in the runbook").to.be.greaterThan(-1);
          const [command] = blockCommands(runbook.slice(step));
          return { command, words: classify(command).words };
        };
        /** The deploy the step asks for: RunAs off for the stack. */
        const BREAK_GLASS_CONFIG = "  ssm-runas-sync:runAsEnabled: false\n";
        /** The table's rows in the stack's regions (or, `outside`, in the others): their status, and the whole line. */
        const rows = (stdout: string, outside = false) =>
          stdout.split("\n").flatMap((line) => {
            const row = /^\d{12}\s+\S+\s+(\S+)\s+(\S+)\s/.exec(line);
            return row && regions.includes(row[1]) !== outside ? [{ status: row[2], line }] : [];
          });

        it("goes from FALLBACK_USER_PENDING to none once every Linux node ran the association; the rows then say break-glass as intended", async () => {
          const { command, words } = preflight();
          // Stage 3: the SCPs are not attached yet.
          const { ids, everyRunSucceeded } = await seed({ breakGlass: true, guardrail: false, pending: 1 });
          const before = await runAudit(words, ids, BREAK_GLASS_CONFIG);
          expect(before.status, `${command}\n${before.stdout}\n${before.stderr}`).to.equal(1);
          expect(before.stdout).to.match(
            /FALLBACK_USER_PENDING\s.*1 of 3 Linux managed nodes without a successful run/,
          );
          await everyRunSucceeded();
          const after = await runAudit(words, ids, BREAK_GLASS_CONFIG);
          // As the step says: still exit 1, every row UNGUARDED with the document in break-glass as intended.
          expect(after.status).to.equal(1);
          const audited = rows(after.stdout);
          expect(audited.length).to.be.greaterThan(0);
          for (const { status, line } of audited) {
            expect(status).to.equal("UNGUARDED");
            expect(line).to.match(/the RunShell document itself is in break-glass, as intended$/);
          }
          // …and, as the step says too, one UNMANAGED_REGION row per other enabled region until stage 4.
          const others = rows(after.stdout, true);
          expect(others.length).to.be.greaterThan(0);
          expect(others.map(({ status }) => status)).to.deep.equal(others.map(() => "UNMANAGED_REGION"));
        }).timeout(300_000);

        it("…and with the guardrail attached, passes as BREAK_GLASS (exit 0)", async () => {
          const { command, words } = preflight();
          const { ids, everyRunSucceeded } = await seed({ breakGlass: true, pending: 1 });
          const before = await runAudit(words, ids, BREAK_GLASS_CONFIG);
          expect(before.status, `${command}\n${before.stdout}\n${before.stderr}`).to.equal(1);
          expect(rows(before.stdout).map(({ status }) => status)).to.include("FALLBACK_USER_PENDING");
          await everyRunSucceeded();
          const after = await runAudit(words, ids, BREAK_GLASS_CONFIG);
          expect(after.status, `${command}\n${after.stdout}\n${after.stderr}`).to.equal(0);
          const audited = rows(after.stdout);
          expect(audited.length).to.be.greaterThan(0);
          expect(audited.map(({ status }) => status)).to.deep.equal(audited.map(() => "BREAK_GLASS"));
        }).timeout(300_000);
      });

      it("…and shows LZA's rewrite (runAsEnabled: false, runAsDefaultUser: '') as RUNAS_DISABLED (exit 1)", async () => {
        const lzaRegion = regions[0];
        const { ids } = await seed({
          override: { [lzaRegion]: { runAsEnabled: false, runAsDefaultUser: "" } },
        });
        for (const { command, words } of audits()) {
          const run = await runAudit(words, ids);
          expect(run.status, `${command}\n${run.stdout}\n${run.stderr}`).to.equal(1);
          expect(run.stdout).to.match(new RegExp(`${lzaRegion}\\s+RUNAS_DISABLED`));
        }
      }).timeout(300_000);
    });

    it("npx ssm-runas resolves to this package's own bin", () => {
      const run = spawnSync("npx", ["--no", "--", "ssm-runas", "--help"], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^Usage: ssm-runas/m);
    });
  });
});
