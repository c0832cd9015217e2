// The policy pack `pulumi preview --policy-pack policy` runs: kaleido-quorum's security invariants
// (rules.ts), each mandatory.
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

new PolicyPack("kaleido-quorum", { policies: POLICIES });
