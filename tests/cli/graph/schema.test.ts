// Pure classification of the provisioning schema's mapping onto the SCIM attribute SSMSessionRunAs reads.
import { expect } from "chai";
import {
  classifyMapping,
  flowTypeVerdict,
  sourceUserAttributes,
  withDirectMapping,
} from "../../../cli/graph/schema";
import {
  attributeMapping,
  attributeSource,
  constantSource,
  functionSource,
  identityCenterSchema,
} from "../../../testing/graphTenant";

const TARGET = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber";
const schemaWith = (source: ReturnType<typeof attributeSource> | null, overrides = {}) =>
  identityCenterSchema({
    [TARGET]: source && attributeMapping(TARGET, source, overrides),
  });

describe("cli/graph: schema mapping verdicts", () => {
  it("DIRECT: a per-user attribute", () => {
    const verdict = classifyMapping(schemaWith(attributeSource("employeeId")), TARGET);
    expect(verdict).to.include({
      kind: "DIRECT",
      ok: true,
      detail: "[employeeId], a direct per-user attribute",
    });
    expect(verdict.attributes).to.deep.equal(["employeeId"]);
  });

  it("EXPRESSION of per-user attributes passes; one of constants only is CONSTANT", () => {
    const join = functionSource(
      "Join",
      { separator: constantSource("."), a: attributeSource("givenName"), b: attributeSource("surname") },
      'Join(".", [givenName], [surname])',
    );
    expect(classifyMapping(schemaWith(join), TARGET)).to.include({ kind: "EXPRESSION", ok: true });
    const constants = functionSource(
      "ToLower",
      { source: constantSource("EC2-USER") },
      'ToLower("EC2-USER", )',
    );
    expect(classifyMapping(schemaWith(constants), TARGET)).to.include({ kind: "CONSTANT", ok: false });
    expect(classifyMapping(schemaWith(constantSource("ec2-user")), TARGET)).to.include({
      kind: "CONSTANT",
      ok: false,
    });
  });

  it("GROUP_DEPENDENT: app-role functions anywhere in the expression, or group attributes", () => {
    const nested = functionSource(
      "ToLower",
      {
        source: functionSource(
          "AppRoleAssignmentsComplex",
          { source: attributeSource("appRoleAssignments") },
          "AppRoleAssignmentsComplex([appRoleAssignments])",
        ),
      },
      "ToLower(AppRoleAssignmentsComplex([appRoleAssignments]), )",
    );
    expect(classifyMapping(schemaWith(nested), TARGET)).to.include({ kind: "GROUP_DEPENDENT", ok: false });
    expect(classifyMapping(schemaWith(attributeSource("memberOf")), TARGET)).to.include({
      kind: "GROUP_DEPENDENT",
    });
  });

  it("MISSING: no mapping, a mapping without a source, or no user mapping at all", () => {
    expect(classifyMapping(schemaWith(null), TARGET)).to.include({ kind: "MISSING", ok: false });
    const sourceless = schemaWith(attributeSource("employeeId"));
    sourceless.synchronizationRules[0].objectMappings[0].attributeMappings.at(-1)!.source = null;
    expect(classifyMapping(sourceless, TARGET).kind).to.equal("MISSING");
    const noUsers = { synchronizationRules: [] };
    expect(classifyMapping(noUsers, TARGET).detail).to.equal(
      "the schema has no mapping of Azure Active Directory users: users are not provisioned at all",
    );
  });

  it("a disabled user mapping or a shared default value fails an otherwise direct mapping", () => {
    const disabled = schemaWith(attributeSource("employeeId"));
    disabled.synchronizationRules[0].objectMappings[0].enabled = false;
    expect(classifyMapping(disabled, TARGET)).to.include({ kind: "DIRECT", ok: false });
    expect(
      classifyMapping(schemaWith(attributeSource("employeeId"), { defaultValue: "nobody" }), TARGET),
    ).to.include({
      kind: "DIRECT",
      ok: false,
    });
  });

  it("matches the target case-insensitively, as the provisioning engine does", () => {
    expect(classifyMapping(identityCenterSchema(), "USERNAME").kind).to.equal("DIRECT");
  });

  it("flow type: Always (or unset) passes, anything else fails", () => {
    expect(flowTypeVerdict({ targetAttributeName: "x" }).ok).to.equal(true);
    expect(flowTypeVerdict({ targetAttributeName: "x", flowType: "Always" }).ok).to.equal(true);
    expect(flowTypeVerdict({ targetAttributeName: "x", flowType: "AttributeAddOnly" }).ok).to.equal(false);
  });

  it("withDirectMapping replaces a mapping (keeping its matching priority) or adds one, leaving the input alone", () => {
    const schema = identityCenterSchema();
    const before = JSON.stringify(schema);
    const replaced = withDirectMapping(schema, "onPremisesSamAccountName", "userName");
    expect(JSON.stringify(schema)).to.equal(before);
    expect(replaced.mapping).to.deep.include({
      matchingPriority: 1,
      flowType: "Always",
      targetAttributeName: "userName",
    });
    expect(classifyMapping(replaced.schema, "userName").detail).to.equal(
      "[onPremisesSamAccountName], a direct per-user attribute",
    );
    const added = withDirectMapping(schema, "employeeId", TARGET);
    expect(added.mapping.matchingPriority).to.equal(0);
    const users = added.schema.synchronizationRules[0].objectMappings[0].attributeMappings;
    expect(users).to.have.length(
      schema.synchronizationRules[0].objectMappings[0].attributeMappings.length + 1,
    );
    expect(classifyMapping(added.schema, TARGET).kind).to.equal("DIRECT");
  });

  it("lists the source directory's user attributes", () => {
    const ext = "extension_0123456789abcdef0123456789abcdef_linuxUser";
    expect(sourceUserAttributes(identityCenterSchema({}, [ext]))).to.include.members([
      "employeeId",
      "extensionAttribute15",
      ext,
    ]);
    expect(sourceUserAttributes({ synchronizationRules: [] })).to.deep.equal([]);
  });
});
