// What a restore reads of a member's volume, through the copy helper: which backup it holds, whether
// an earlier run of this restore copied the backup whole, and whether it holds a chain.
import { HelperPod } from "../../lib/kubernetes/helperPod";
import { CHAIN_DATA, RESTORE_WHOLE, RESTORED_MARKER } from "../../lib/model/paths";
import { VolumeState } from "./plan";

/** `member` is the member's folder as the helper mounts it. */
export async function volumeState(pod: HelperPod, member: string): Promise<VolumeState> {
    const exists = async (relative: string) => (await pod.exec(["sh", "-c", 'if [ -e "$1" ]; then echo yes; fi', "exists", `${member}/${relative}`])).trim() === "yes";
    const holds = (await pod.exec(["sh", "-c", 'cat "$1" 2>/dev/null || true', "read", `${member}/${RESTORED_MARKER}`])).trim();
    return { holds: holds || undefined, copiedWhole: await exists(RESTORE_WHOLE), hasChain: await exists(CHAIN_DATA) };
}
