// What a restore reads: of a member's volume, through the copy helper, which backup it holds, whether
// an earlier run of this restore copied the backup whole, and whether it holds a chain; of the
// restored nodes, their heads and the block each holds at the backup's one head.
import { inParallel } from "../../lib/inParallel";
import { ipcBatch, replyQuantity } from "../../lib/kubernetes/gethIpc";
import { HelperPod } from "../../lib/kubernetes/helperPod";
import { Kube } from "../../lib/kubernetes/kubectl";
import { PARALLEL_READS } from "../../lib/kubernetes/observeNetwork";
import { memberName, nodePodName } from "../../lib/network/names";
import { CHAIN_DATA, RESTORE_WHOLE, RESTORED_MARKER } from "../../lib/model/paths";
import { SettleReading, VolumeState } from "./plan";

/** `member` is the member's folder as the helper mounts it. */
export async function volumeState(pod: HelperPod, member: string): Promise<VolumeState> {
    const exists = async (relative: string) =>
        (
            await pod.exec(["sh", "-c", 'if [ -e "$1" ]; then echo yes; fi', "exists", `${member}/${relative}`])
        ).trim() === "yes";
    const holds = (
        await pod.exec(["sh", "-c", 'cat "$1" 2>/dev/null || true', "read", `${member}/${RESTORED_MARKER}`])
    ).trim();
    return { holds: holds || undefined, copiedWhole: await exists(RESTORE_WHOLE), hasChain: await exists(CHAIN_DATA) };
}

export async function readSettle(kube: Kube, nodeCount: number, pointNumber: number): Promise<SettleReading[]> {
    const indexes = Array.from({ length: nodeCount }, (_, i) => i + 1);
    return inParallel(indexes, PARALLEL_READS, async (index) => {
        const name = memberName(index);
        try {
            const [head, block] = await ipcBatch(kube, nodePodName(index), [
                { method: "eth_blockNumber" },
                { method: "eth_getBlockByNumber", params: [`0x${pointNumber.toString(16)}`, false] },
            ]);
            const hash = (block.result as { hash?: string } | null | undefined)?.hash ?? null;
            return head.error
                ? { name, error: head.error.message }
                : { name, head: replyQuantity(head), atPoint: hash };
        } catch (error) {
            return { name, error: (error as Error).message.split("\n")[0] };
        }
    });
}
