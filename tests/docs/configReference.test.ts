// The config contract is stated three times for three readers: the zod schema (the program), Pulumi.yaml
// (the Pulumi CLI) and the reference table of docs/configuration.md (people). These tests keep them saying
// the same thing.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEY_DECLARATIONS } from "../../config/pulumiConfig";
import { STACK_CONFIG_KEYS } from "../../config/schema";
import { readProjectFile } from "../../synth/stackFiles";
import { REPO_ROOT } from "../support/cli";

const CONFIGURATION_DOC = "docs/configuration.md";

interface ReferenceRow {
  key: string;
  type: string;
  default: string;
  rule: string;
}

/** The rows between the config-reference markers of a markdown text. */
function configReferenceTable(markdown: string): ReferenceRow[] {
  const section = /<!-- config-reference:start -->([\s\S]*?)<!-- config-reference:end -->/.exec(markdown);
  if (!section) throw new Error(`${CONFIGURATION_DOC} has no config-reference markers`);
  return section[1]
    .split("\n")
    .filter((line) => /^\| `/.test(line))
    .map((line) => {
      const [key, type, defaultValue, ...rule] = line
        .split(" | ")
        .map((cell) => cell.replace(/^\| |\s*\|$/g, ""));
      return { key: key.replace(/`/g, ""), type, default: defaultValue, rule: rule.join(" | ") };
    });
}

const referenceTable = () =>
  configReferenceTable(fs.readFileSync(path.join(REPO_ROOT, CONFIGURATION_DOC), "utf8"));

const project = readProjectFile(REPO_ROOT);

describe("config reference", () => {
  it("Pulumi.yaml declares exactly the keys of the schema", () => {
    expect(Object.keys(project.config)).to.have.members(STACK_CONFIG_KEYS as string[]);
  });

  for (const key of STACK_CONFIG_KEYS) {
    const declared = CONFIG_KEY_DECLARATIONS[key];

    it(`${key}: Pulumi.yaml has the schema's type, a description and the schema's default`, () => {
      const declaration = project.config[key];
      expect(declaration.type).to.equal(declared.type);
      expect(declaration.description, "description").to.be.a("string").with.length.greaterThan(0);
      expect(declaration.default).to.deep.equal(declared.defaultValue);
    });

    it(`${key}: the ${CONFIGURATION_DOC} row has the schema's type and default`, () => {
      const row = referenceTable().find((r) => r.key === key);
      expect(row, `${CONFIGURATION_DOC} row for ${key}`).to.not.equal(undefined);
      expect(row!.type).to.equal(declared.type);
      const expectedDefault =
        declared.defaultValue === undefined
          ? "required"
          : `\`${typeof declared.defaultValue === "string" ? declared.defaultValue : JSON.stringify(declared.defaultValue)}\``;
      expect(row!.default).to.equal(expectedDefault);
      expect(row!.rule).to.have.length.greaterThan(0);
    });
  }

  it(`the ${CONFIGURATION_DOC} table lists no key the schema does not have`, () => {
    expect(referenceTable().map((row) => row.key)).to.have.members(STACK_CONFIG_KEYS as string[]);
  });

  it("the README is not where the table lives any more (one table, one place)", () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    expect(() => configReferenceTable(readme)).to.throw(/no config-reference markers/);
  });

  it("the table reader finds rows, and would notice a missing or extra key (negative control)", () => {
    const sample = [
      "<!-- config-reference:start -->",
      "| key | type | default | rule |",
      "| --- | --- | --- | --- |",
      "| `regions` | array | required | region names |",
      "| `noSuchKey` | string | `x` | a key the schema does not have |",
      "<!-- config-reference:end -->",
    ].join("\n");
    const rows = configReferenceTable(sample);
    expect(rows.map((r) => r.key)).to.deep.equal(["regions", "noSuchKey"]);
    expect(rows.map((r) => r.key)).to.not.have.members(STACK_CONFIG_KEYS as string[]);
    expect(() => configReferenceTable("no markers here")).to.throw();
  });
});
