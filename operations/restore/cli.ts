// The restore's two phases, run by its Pulumi steps (step.ts) in a stack with restoreFrom.
// `run.ts restore member`, for each new member: the environment names it: KUBE_CONTEXT, NAMESPACE,
// HELPER_POD (the copy helper's claim, image and pull settings, JSON), FOLDER (the member's folder
// in the claim), FROM (the backup's folder of the member), BACKUP_ID, SEED_ID and HOLD_SEALING.
// `run.ts restore settle`, once the nodes run: KUBE_CONTEXT, NAMESPACE and SETTLE (JSON).
import { Tool, ToolArgs, UsageError } from "../../lib/cli";
import { HelperPodRequest } from "../../lib/kubernetes/helperPod";
import { Kubectl } from "../../lib/kubernetes/kubectl";
import { restoreMember } from "./act";
import { settleRestore, SettleRequest } from "./settle";

function helperRequest(text: string): HelperPodRequest {
    const parsed = JSON.parse(text) as Partial<HelperPodRequest>;
    const { claim, image, imagePullPolicy, imagePullSecrets } = parsed;
    if (typeof claim !== "string" || typeof image !== "string" || typeof imagePullPolicy !== "string" || !Array.isArray(imagePullSecrets)) {
        throw new UsageError("HELPER_POD must name the claim, image, imagePullPolicy and imagePullSecrets");
    }
    return { claim, image, imagePullPolicy, imagePullSecrets: imagePullSecrets.map(String), readOnly: false };
}

function settleRequest(text: string): SettleRequest {
    const parsed = JSON.parse(text) as Partial<SettleRequest>;
    const { nodeCount, point, timeoutMs } = parsed;
    const pointOk = typeof point?.number === "number" && typeof point.hash === "string" && typeof point.way === "string";
    if (typeof nodeCount !== "number" || typeof timeoutMs !== "number" || !pointOk) throw new UsageError("SETTLE must give nodeCount, point { number, hash, way } and timeoutMs");
    return { nodeCount, point, timeoutMs };
}

async function member(args: ToolArgs): Promise<void> {
    const helper = helperRequest(args.env("HELPER_POD"));
    const log = (line: string) => console.error(`restore[${helper.claim}]: ${line}`);
    const restore = { from: args.env("FROM"), backupId: args.env("BACKUP_ID"), seedId: args.env("SEED_ID"), holdSealing: args.env("HOLD_SEALING") === "true" };
    await restoreMember(new Kubectl(args.env("KUBE_CONTEXT"), args.env("NAMESPACE")), { helper, folder: process.env.FOLDER ?? "", ...restore }, log);
}

async function run(args: ToolArgs): Promise<number> {
    const [phase] = args.positional();
    if (phase === "member") await member(args);
    else if (phase === "settle") {
        const kube = new Kubectl(args.env("KUBE_CONTEXT"), args.env("NAMESPACE"));
        await settleRestore(kube, settleRequest(args.env("SETTLE")), (line) => console.error(`restore: ${line}`));
    } else throw new UsageError(`no phase "${phase ?? ""}": member or settle (run by pulumi up)`);
    return 0;
}

const USAGE = [
    "usage: run.ts restore member   (run by pulumi up for each member of a stack with restoreFrom; its environment names the member)",
    "       run.ts restore settle   (run by pulumi up once the restored nodes run: each must hold the backup's one head)",
].join("\n");

export const restoreTool: Tool = { name: "restore", usage: USAGE, arguments: 1, run };
