// The restore's two phases, run by its Pulumi steps (step.ts) in a stack with restoreFrom, each as
// its request says: `run.ts restore member` (RestoreMemberStepRequest) for each new member, and
// `run.ts restore settle` (RestoreSettleStepRequest) once the nodes run.
import { Tool, ToolArgs, UsageError } from "../../lib/cli";
import { HelperPodRequest } from "../../lib/kubernetes/helperPod";
import { Kubectl } from "../../lib/kubernetes/kubectl";
import { RestoreWay } from "../../lib/model/restorePoint";
import { ANY_TEXT, matching, RequestFields, StepFields, stepRequest, StepTarget } from "../../lib/stepEnvironment";
import { restoreMember, RestoreRequest } from "./act";
import { settleRestore, SettleRequest } from "./settle";

/** One member's: its copy helper writes the claim, so the step gives the rest of the helper's pod. */
export interface RestoreMemberStepRequest extends StepTarget, Omit<RestoreRequest, "helper"> {
    helper: Omit<HelperPodRequest, "readOnly">;
}

export interface RestoreSettleStepRequest extends StepTarget, SettleRequest {}

/** Every way, by its name: a way the model adds is a compile error here until the decoder takes it. */
const WAYS: Record<RestoreWay, true> = {
    "raft-one-head": true,
    "bft-held": true,
    "bft-laggards-short-of-quorum": true,
};
const HASH = matching(/^0x[0-9a-fA-F]{64}$/, "a 0x hash of 64 hex digits");

export function restoreMemberStepFields(fields: RequestFields): StepFields<RestoreMemberStepRequest> {
    const helper = fields.object("helper");
    return {
        helper: {
            claim: helper.string("claim"),
            image: helper.string("image"),
            imagePullPolicy: helper.string("imagePullPolicy"),
            imagePullSecrets: helper.strings("imagePullSecrets", ANY_TEXT, true),
        },
        // Empty where the member's pods mount the whole claim (minikube).
        folder: fields.string("folder", ANY_TEXT),
        from: fields.string("from"),
        backupId: fields.string("backupId"),
        seedId: fields.string("seedId"),
        holdSealing: fields.boolean("holdSealing"),
    };
}

export function restoreSettleStepFields(fields: RequestFields): StepFields<RestoreSettleStepRequest> {
    const point = fields.object("point");
    return {
        nodeCount: fields.wholeNumber("nodeCount", 1),
        point: {
            number: point.wholeNumber("number"),
            hash: point.string("hash", HASH),
            way: point.oneOf("way", Object.keys(WAYS) as RestoreWay[]),
        },
        timeoutMs: fields.wholeNumber("timeoutMs", 1),
    };
}

async function member(args: ToolArgs): Promise<void> {
    const { kubeContext, namespace, helper, ...restore } = stepRequest(args, restoreMemberStepFields);
    const log = (line: string) => console.error(`restore[${helper.claim}]: ${line}`);
    await restoreMember(
        new Kubectl(kubeContext, namespace),
        { ...restore, helper: { ...helper, readOnly: false } },
        log,
    );
}

async function settle(args: ToolArgs): Promise<void> {
    const { kubeContext, namespace, ...request } = stepRequest(args, restoreSettleStepFields);
    await settleRestore(new Kubectl(kubeContext, namespace), request, (line) => console.error(`restore: ${line}`));
}

async function run(args: ToolArgs): Promise<number> {
    const [phase] = args.positional();
    if (phase === "member") await member(args);
    else if (phase === "settle") await settle(args);
    else throw new UsageError(`no phase "${phase ?? ""}": member or settle (run by pulumi up)`);
    return 0;
}

const USAGE = [
    "usage: run.ts restore member   (run by pulumi up for each member of a stack with restoreFrom; its environment names the member)",
    "       run.ts restore settle   (run by pulumi up once the restored nodes run: each must hold the backup's one head)",
].join("\n");

export const restoreTool: Tool = { name: "restore", usage: USAGE, arguments: 1, run };
