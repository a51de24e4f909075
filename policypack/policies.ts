// The ssm-runas-sync policies, one small named object each, by subject (in the style of pulumi-policy-aws's
// awsguard). Everything they need is in this folder: the pack publishes on its own with `pulumi policy publish`.
import type { Policies } from "@pulumi/policy";
import { abacRunAsAttribute } from "./abac";
import { breakGlassReported } from "./breakGlass";
import { scpProtectsFallbackUserAssociation } from "./fallbackUserAssociation";
import {
  scpDelegatedAdmin,
  scpExemptionsProtected,
  scpRunAsTag,
  scpSessionDocuments,
  scpSessionRegions,
  scpStackSetRoleExemptions,
} from "./guardrail";
import { lambdaRuntimeSupported } from "./runtime";
import {
  scpDeniesDocumentWrites,
  scpExceptionPatternsNarrow,
  scpExceptionPrincipals,
  scpProtectsWriter,
  scpSize,
} from "./scp";
import { stackComplete } from "./stack";
import { stackSetWriter } from "./stackset";

export const policies: Policies = [
  abacRunAsAttribute,
  scpDeniesDocumentWrites,
  scpExceptionPrincipals,
  scpProtectsWriter,
  scpExemptionsProtected,
  scpSessionDocuments,
  scpRunAsTag,
  scpStackSetRoleExemptions,
  scpDelegatedAdmin,
  scpProtectsFallbackUserAssociation,
  stackSetWriter,
  stackComplete,
  lambdaRuntimeSupported,
  scpSize,
  scpExceptionPatternsNarrow,
  scpSessionRegions,
  breakGlassReported,
];
