import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { MemberSeed, seedPlan } from "../../lib/minikube/seedPlan";

/** Run from the project root, where Pulumi runs the program and its Commands. */
export const SEED_COMMAND = "node -r ts-node/register/transpile-only scripts/seed-qdata.ts";

/**
 * The Command that lays every member's seed on the minikube node in one trip (one archive, one
 * `minikube cp`, one `minikube ssh`), before any member's pod starts: each member's storage adds
 * its seed here, and its pods depend on this Command. Its plan (stdin) holds every member, so a
 * change to any runs it again for all: node-seed.sh leaves a member whose seed is unchanged as it
 * is. Never replaced, and no delete step: each member's own Command wipes its folder when it goes.
 */
export class NetworkSeed {
    readonly command: command.local.Command;
    private readonly members: MemberSeed[] = [];
    private sealPlan?: (plan: string) => void;

    constructor(
        name: string,
        private readonly target: { profile: string; owner: string },
        opts: pulumi.CustomResourceOptions,
    ) {
        // The plan is known once the network has declared every member (seal).
        const plan = new Promise<string>((resolve) => (this.sealPlan = resolve));
        this.command = new command.local.Command(name, { create: SEED_COMMAND, stdin: plan }, opts);
    }

    /** The member's seed, laid with the others. */
    add(member: MemberSeed): void {
        if (!this.sealPlan)
            throw new Error(`${member.name}'s storage was declared after the network's seed plan was sealed`);
        this.members.push(member);
    }

    /** Every member is declared: the plan is whole. */
    seal(): void {
        const seal = this.sealPlan;
        if (!seal) throw new Error("the network's seed plan is sealed once");
        this.sealPlan = undefined;
        seal(JSON.stringify(seedPlan(this.target.profile, this.target.owner, this.members)));
    }
}
