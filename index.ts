import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./program";

// The program reads the organisation before it declares anything, so its outputs arrive asynchronously.
const outputs = pulumi.output(runProgram());

export const abacInstanceArn = outputs.abacInstanceArn;
export const abacAttributeKeys = outputs.abacAttributeKeys;
export const abacRunAsSource = outputs.abacRunAsSource;
export const scpPolicyId = outputs.scpPolicyId;
export const scpPolicyArn = outputs.scpPolicyArn;
export const runShellStackSetName = outputs.runShellStackSetName;
export const runShellStackSetId = outputs.runShellStackSetId;
export const runShellManagementStackIds = outputs.runShellManagementStackIds;
