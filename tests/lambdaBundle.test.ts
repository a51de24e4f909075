// The inline code as the StackSet template embeds it.
import { expect } from "chai";
import { INLINE_CODE_LIMIT, writerInlineCode } from "../lambda/bundle";

describe("writer inline code", () => {
  it(`fits CloudFormation's inline limit of ${INLINE_CODE_LIMIT} characters`, () => {
    expect(writerInlineCode().length).to.be.at.most(INLINE_CODE_LIMIT);
  });

  it("requires nothing but the SDK the Lambda runtime provides", () => {
    const required = [...writerInlineCode().matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect([...new Set(required)]).to.deep.equal(["@aws-sdk/client-ssm"]);
  });

  it("is CommonJS exporting index.handler, built once per process", () => {
    expect(writerInlineCode()).to.match(/module\.exports\.handler=\w+;\s*$/);
    expect(writerInlineCode()).to.equal(writerInlineCode());
  });
});
