// The inline code as the StackSet template embeds it.
import { expect } from "chai";
import { writerInlineCode } from "../../lambda/bundle";
import { DOCUMENT_WRITE_ACTIONS } from "../../policypack/rules/scpActions";

describe("writer inline code", () => {
  it("holds only the shared rules the writer uses (the rest of policypack/rules is shaken out)", () => {
    expect(writerInlineCode()).to.include('"SSM-SessionManagerRunShell"');
    expect(writerInlineCode()).not.to.include("ssm-runas-sync-reconcile-daily");
    expect(writerInlineCode()).not.to.include(DOCUMENT_WRITE_ACTIONS[0]);
  });

  it("requires nothing but the SDK the Lambda runtime provides", () => {
    const required = [...writerInlineCode().matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect([...new Set(required)]).to.deep.equal(["@aws-sdk/client-ssm"]);
  });

  it("is CommonJS exporting index.handler, built once per process", () => {
    expect(writerInlineCode()).to.match(/module\.exports\.handler = \w+;\s*$/);
    expect(writerInlineCode()).to.equal(writerInlineCode());
  });
});
