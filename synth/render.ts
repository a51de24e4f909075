// Pure renderers: from the resources the program declared to the files a reviewer reads.
import type { DeclaredResource } from "./mockRuntime";

export interface RenderedFile {
  file: string;
  content: string;
}

export const ABAC_RESOURCE_TYPE = "aws-native:sso:InstanceAccessControlAttributeConfiguration";

interface AbacInputs {
  instanceArn: string;
  accessControlAttributes: { key: string; value: { source: string[] } }[];
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `abac.json`: the ABAC singleton in the CloudFormation shape (`AWS::SSO::InstanceAccessControlAttributeConfiguration`). */
export function renderAbac(resources: DeclaredResource[]): RenderedFile {
  const abac = resources.filter((r) => r.type === ABAC_RESOURCE_TYPE);
  if (abac.length !== 1) throw new Error(`expected exactly one ${ABAC_RESOURCE_TYPE}, found ${abac.length}`);
  const inputs = abac[0].inputs as unknown as AbacInputs;
  return {
    file: "abac.json",
    content: json({
      InstanceArn: inputs.instanceArn,
      AccessControlAttributes: inputs.accessControlAttributes.map(({ key, value }) => ({
        Key: key,
        Value: { Source: value.source },
      })),
    }),
  };
}

export function renderAll(resources: DeclaredResource[]): RenderedFile[] {
  return [renderAbac(resources)];
}
