// The config contract is stated three times for three readers: the zod schema (the program), Pulumi.yaml
// (the Pulumi CLI) and the README table (people). These tests keep them saying the same thing.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEY_DECLARATIONS } from "../config/pulumiConfig";
import { STACK_CONFIG_KEYS } from "../config/schema";
import { readProjectFile } from "../synth/stackFiles";
import { REPO_ROOT } from "./support/cli";

interface ReadmeRow {
  key: string;
  type: string;
  default: string;
  rule: string;
}

function readmeConfigTable(): ReadmeRow[] {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const section = /<!-- config-reference:start -->([\s\S]*?)<!-- config-reference:end -->/.exec(readme);
  if (!section) throw new Error("README.md has no config-reference markers");
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

    it(`${key}: the README row has the schema's type and default`, () => {
      const row = readmeConfigTable().find((r) => r.key === key);
      expect(row, `README row for ${key}`).to.not.equal(undefined);
      expect(row!.type).to.equal(declared.type);
      const expectedDefault =
        declared.defaultValue === undefined
          ? "required"
          : `\`${typeof declared.defaultValue === "string" ? declared.defaultValue : JSON.stringify(declared.defaultValue)}\``;
      expect(row!.default).to.equal(expectedDefault);
      expect(row!.rule).to.have.length.greaterThan(0);
    });
  }

  it("the README table lists no key the schema does not have", () => {
    expect(readmeConfigTable().map((row) => row.key)).to.have.members(STACK_CONFIG_KEYS as string[]);
  });
});
