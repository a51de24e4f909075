// The writer's pure parts: the document merge (examples and a property test), input checks, restore points.
import { expect } from "chai";
import fc from "fast-check";
import { RUN_SHELL_DOCUMENT_NAME } from "../../policypack/rules/names";
import { LINUX_USER_PATTERN } from "../../policypack/rules/values";
import { applyRunAs, DOCUMENT_NAME, type RunAs } from "../../lambda/document";
import { CREATE_FAILED_ID, restorePointId, restorePointOf } from "../../lambda/restorePoint";
import { desiredRunAs, onDeleteOf } from "../../lambda/settings";
import { SESSION_USER_PATTERN } from "../../policypack/rules/values";

const DESIRED = { runAsEnabled: true, runAsDefaultUser: "ec2-user" };

describe("writer document core", () => {
  it("uses the shared document name and user rule (kept local only to stay out of the bundle)", () => {
    expect(DOCUMENT_NAME).to.equal(RUN_SHELL_DOCUMENT_NAME);
    expect(SESSION_USER_PATTERN.source).to.equal(LINUX_USER_PATTERN.source.replace(/^\^/, "^(?!root$)"));
    expect(SESSION_USER_PATTERN.flags).to.equal(LINUX_USER_PATTERN.flags);
  });

  describe("applyRunAs", () => {
    it("creates a minimal Session document when there is none", () => {
      const { prior, content } = applyRunAs(undefined, DESIRED);
      expect(JSON.parse(content ?? "")).to.deep.equal({
        schemaVersion: "1.0",
        sessionType: "Standard_Stream",
        inputs: DESIRED,
      });
      expect(prior).to.deep.equal({ runAsEnabled: undefined, runAsDefaultUser: undefined });
    });

    it("adds RunAs to a document without inputs", () => {
      const { content } = applyRunAs('{"schemaVersion":"1.0","sessionType":"Standard_Stream"}', DESIRED);
      expect(JSON.parse(content ?? "").inputs).to.deep.equal(DESIRED);
    });

    it("treats null inputs as none", () => {
      const { content } = applyRunAs('{"schemaVersion":"1.0","inputs":null}', DESIRED);
      expect(JSON.parse(content ?? "").inputs).to.deep.equal(DESIRED);
    });

    it("keeps the place of existing keys", () => {
      const current = {
        schemaVersion: "1.0",
        inputs: { a: 1, runAsEnabled: false, b: 2, runAsDefaultUser: "", c: 3 },
      };
      const { content } = applyRunAs(JSON.stringify(current), DESIRED);
      expect(Object.keys(JSON.parse(content ?? "").inputs)).to.deep.equal([
        "a",
        "runAsEnabled",
        "b",
        "runAsDefaultUser",
        "c",
      ]);
    });

    it("removes a key whose value is undefined (restoring a document that had none)", () => {
      const current = { schemaVersion: "1.0", inputs: { a: 1, runAsEnabled: true, runAsDefaultUser: "x" } };
      const { content } = applyRunAs(JSON.stringify(current), {});
      expect(JSON.parse(content ?? "").inputs).to.deep.equal({ a: 1 });
    });

    it("keeps a __proto__ key as a plain key", () => {
      const current = '{"schemaVersion":"1.0","__proto__":{"x":1},"inputs":{"__proto__":{"y":2}}}';
      const written = JSON.parse(applyRunAs(current, DESIRED).content ?? "") as Record<string, unknown>;
      expect(Object.getOwnPropertyNames(written)).to.include("__proto__");
      expect(Object.getOwnPropertyNames(written.inputs)).to.include("__proto__");
      expect(({} as Record<string, unknown>).x).to.equal(undefined);
    });

    it('treats a different JSON type as a change ("true" is not true)', () => {
      const current = {
        schemaVersion: "1.0",
        inputs: { runAsEnabled: "true", runAsDefaultUser: "ec2-user" },
      };
      expect(applyRunAs(JSON.stringify(current), DESIRED).content).to.be.a("string");
    });

    for (const [what, content] of [
      ["an array", "[]"],
      ["a string", '"x"'],
      ["inputs that are an array", '{"inputs":[1]}'],
      ["inputs that are a string", '{"inputs":"x"}'],
    ]) {
      it(`refuses ${what}`, () => {
        expect(() => applyRunAs(content, DESIRED)).to.throw(`${DOCUMENT_NAME} is not a Session document`);
      });
    }

    it("refuses content that is not JSON", () => {
      expect(() => applyRunAs("schemaVersion: '1.0'", DESIRED)).to.throw(SyntaxError);
    });
  });

  describe("property: on any existing document", () => {
    const key = fc.oneof(
      fc.string(),
      fc.constantFrom("__proto__", "constructor", "toString", "runAsEnabledX"),
    );
    const unknownFields = fc.dictionary(key, fc.jsonValue(), { maxKeys: 6 });
    const runAsValue = fc.option(fc.jsonValue(), { nil: undefined });
    const existingDocument = fc
      .record(
        {
          topLevel: unknownFields,
          inputs: fc.option(unknownFields, { nil: undefined }),
          runAsEnabled: runAsValue,
          runAsDefaultUser: runAsValue,
        },
        { requiredKeys: ["topLevel", "inputs"] },
      )
      .map(({ topLevel, inputs, runAsEnabled, runAsDefaultUser }) => {
        const document: Record<string, unknown> = {
          ...topLevel,
          schemaVersion: "1.0",
          sessionType: "Standard_Stream",
        };
        if (inputs !== undefined) document.inputs = { ...inputs, runAsEnabled, runAsDefaultUser };
        return JSON.stringify(document, null, 1);
      });
    const desired = fc.record({
      runAsEnabled: fc.boolean(),
      runAsDefaultUser: fc.stringMatching(LINUX_USER_PATTERN).filter((user) => user !== "root"),
    });

    type Document = Record<string, unknown> & { inputs?: Record<string, unknown> };
    const parse = (content: string) => JSON.parse(content) as Document;
    const withoutRunAs = ({ inputs, ...rest }: Document) => {
      const { runAsEnabled: _e, runAsDefaultUser: _u, ...otherInputs } = inputs ?? {};
      return { ...rest, inputs: otherInputs };
    };

    it("preserves everything but RunAs, writes a valid document, and is idempotent", () => {
      fc.assert(
        fc.property(existingDocument, desired, (current, runAs) => {
          const { prior, content } = applyRunAs(current, runAs);
          const before = parse(current);
          const after = parse(content ?? current);

          expect(withoutRunAs(after)).to.deep.equal(withoutRunAs(before));
          expect(after).to.include({ schemaVersion: "1.0", sessionType: "Standard_Stream" });
          expect(after.inputs).to.include(runAs);
          expect(prior).to.deep.equal({
            runAsEnabled: before.inputs?.runAsEnabled,
            runAsDefaultUser: before.inputs?.runAsDefaultUser,
          });
          expect(
            applyRunAs(content ?? current, runAs).content,
            "a second application changes nothing",
          ).to.equal(undefined);
          // "No change" exactly when the values were already there.
          expect(content === undefined).to.equal(JSON.stringify(prior) === JSON.stringify(runAs));
        }),
        { numRuns: 300 },
      );
    });

    it("restoring the prior values gives back the original document", () => {
      fc.assert(
        fc.property(existingDocument, desired, (current, runAs) => {
          const { prior, content } = applyRunAs(current, runAs);
          const restored = applyRunAs(content ?? current, prior).content ?? content ?? current;
          const original = parse(current);
          // A document without inputs gets an (empty) inputs object: that is the one addition.
          expect(parse(restored)).to.deep.equal(original.inputs ? original : { ...original, inputs: {} });
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe("writer inputs", () => {
  it("reads RunAs from properties or the environment", () => {
    expect(desiredRunAs({ E: "true", U: "ec2-user" }, "E", "U")).to.deep.equal(DESIRED);
    expect(desiredRunAs({ E: "false", U: "_svc-1" }, "E", "U")).to.deep.equal({
      runAsEnabled: false,
      runAsDefaultUser: "_svc-1",
    });
  });

  it("agrees with the stack config's rule on user names, and refuses root", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(LINUX_USER_PATTERN)), (user) => {
        const valid = LINUX_USER_PATTERN.test(user) && user !== "root";
        const accepted = (() => {
          try {
            desiredRunAs({ E: "true", U: user }, "E", "U");
            return true;
          } catch {
            return false;
          }
        })();
        expect(accepted).to.equal(valid);
      }),
    );
    expect(() => desiredRunAs({ E: "true", U: "root" }, "E", "U")).to.throw('got "root"');
  });

  it("names the key, the rule and the value", () => {
    expect(() => desiredRunAs({ E: "TRUE", U: "a" }, "E", "U")).to.throw(
      'E must match ^(true|false)$, got "TRUE"',
    );
    expect(() => desiredRunAs({ E: "true" }, "E", "U")).to.throw("U must match");
    expect(() => desiredRunAs({ E: true, U: "a" }, "E", "U")).to.throw("got true");
    expect(() => onDeleteOf({ D: "keep" }, "D")).to.throw('D must match ^(retain|restore)$, got "keep"');
    expect(onDeleteOf({ D: "restore" }, "D")).to.equal("restore");
  });
});

describe("restore points (the physical id)", () => {
  it("round-trips the prior values, absent keys included", () => {
    const samples: RunAs[] = [
      {},
      { runAsEnabled: false, runAsDefaultUser: "" },
      { runAsEnabled: "weird", runAsDefaultUser: { a: 1 } },
    ];
    for (const prior of samples) expect(restorePointOf(restorePointId(prior))).to.deep.equal(prior);
  });

  it("knows no restore point in ids it did not issue on success", () => {
    for (const id of [
      CREATE_FAILED_ID,
      "2024/01/01/[$LATEST]abc",
      `${DOCUMENT_NAME}:runAs={broken`,
      `${DOCUMENT_NAME}:runAs=[1]`,
    ]) {
      expect(restorePointOf(id), id).to.equal(undefined);
    }
  });
});
