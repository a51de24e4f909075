// The CrossGuard pack: `pulumi preview --policy-pack policypack`, or `pulumi policy publish` from this folder.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("ssm-runas-sync", { policies });
