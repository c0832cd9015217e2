// The restore's one phase, run by its Pulumi step (step.ts) for each new member of a stack with
// restoreFrom: `run.ts restore member`. The environment names the member: KUBE_CONTEXT, NAMESPACE,
// HELPER_POD (the copy helper's claim, image and pull settings, JSON), FOLDER (the member's folder
// in the claim), FROM (the backup's folder of the member), BACKUP_ID and SEED_ID.
import { Tool, ToolArgs, UsageError } from "../../lib/cli";
import { HelperPodRequest } from "../../lib/kubernetes/helperPod";
import { Kubectl } from "../../lib/kubernetes/kubectl";
import { restoreMember } from "./act";

function helperRequest(text: string): HelperPodRequest {
    const parsed = JSON.parse(text) as Partial<HelperPodRequest>;
    const { claim, image, imagePullPolicy, imagePullSecrets } = parsed;
    if (typeof claim !== "string" || typeof image !== "string" || typeof imagePullPolicy !== "string" || !Array.isArray(imagePullSecrets)) {
        throw new UsageError("HELPER_POD must name the claim, image, imagePullPolicy and imagePullSecrets");
    }
    return { claim, image, imagePullPolicy, imagePullSecrets: imagePullSecrets.map(String), readOnly: false };
}

async function run(args: ToolArgs): Promise<number> {
    const [phase] = args.positional();
    if (phase !== "member") throw new UsageError(`no phase "${phase ?? ""}": member (run by pulumi up)`);
    const helper = helperRequest(args.env("HELPER_POD"));
    const log = (line: string) => console.error(`restore[${helper.claim}]: ${line}`);
    const request = { helper, folder: process.env.FOLDER ?? "", from: args.env("FROM"), backupId: args.env("BACKUP_ID"), seedId: args.env("SEED_ID") };
    await restoreMember(new Kubectl(args.env("KUBE_CONTEXT"), args.env("NAMESPACE")), request, log);
    return 0;
}

const USAGE = "usage: run.ts restore member   (run by pulumi up for each member of a stack with restoreFrom; its environment names the member)";

export const restoreTool: Tool = { name: "restore", usage: USAGE, arguments: 1, run };
