// One member's folder from a backup, before its StatefulSet first starts: through a helper pod of
// the member's image that mounts its claim, the backed-up folder (keys, genesis, chain data, the
// transaction manager's store) goes onto the volume, all but what notRestored() names. The volume
// is then marked seeded with the seed id, so the seed keeps it as its own, and with the backup it
// holds. The copy lands in a staging folder on the volume first and is laid over the member's
// folder only once whole. What is sent is a local copy checked against the manifest (stage.ts),
// never the backup folder itself.
import * as path from "path";
import { entryWithin } from "../../lib/files/plainFiles";
import { HelperPod, HelperPodRequest, withHelperPod } from "../../lib/kubernetes/helperPod";
import { Kubectl } from "../../lib/kubernetes/kubectl";
import {
    inQdata,
    RESTORE_STAGING,
    RESTORE_WHOLE,
    RESTORED_MARKER,
    SEALING_HOLD,
    SEED_MARKER,
} from "../../lib/model/paths";
import { volumeState } from "./observe";
import { notRestored, restoreAction } from "./plan";
import { stageMember } from "./stage";

export interface RestoreRequest {
    helper: HelperPodRequest;
    /** The member's folder in the claim, as its pods mount it: empty on minikube, qdata on clusters. */
    folder: string;
    /** The backup's folder of this member. */
    from: string;
    backupId: string;
    seedId: string;
    /** The node starts with sealing held until the settle phase releases it (restorePoint bft-held). */
    holdSealing: boolean;
}

export async function restoreMember(
    kube: Kubectl,
    request: RestoreRequest,
    log: (line: string) => void,
): Promise<void> {
    const from = entryWithin(path.dirname(request.from), path.basename(request.from));
    if (!from?.isDirectory())
        throw new Error(`${request.from} is not a folder of the backup (a link is never followed)`);
    await withHelperPod(kube, `restore-${request.helper.claim}`, request.helper, async (pod) => {
        const member = inQdata(request.folder);
        const action = restoreAction(await volumeState(pod, member), request.backupId);
        if (action === "refuse")
            throw new Error(
                "holds a chain already: restore only into a new stack (pulumi destroy with keepChainData false first)",
            );
        if (action === "done") {
            await pod.exec(["rm", "-rf", `${member}/${RESTORE_STAGING}`, `${member}/${RESTORE_WHOLE}`]);
            log(`holds backup ${request.backupId} already`);
            return;
        }
        if (action === "copy") await copyToStaging(pod, request.from, member, log);
        else log("an earlier run of this restore copied the backup whole; laying it again");
        await layStaging(pod, member, request);
        log(`restored backup ${request.backupId}`);
    });
}

async function copyToStaging(pod: HelperPod, from: string, member: string, log: (line: string) => void): Promise<void> {
    const staging = `${member}/${RESTORE_STAGING}`;
    log(`checking a local copy of the backed-up folder ${from} against the backup's manifest`);
    const staged = stageMember(path.dirname(from), path.basename(from), notRestored());
    try {
        log("copying the checked copy");
        await pod.exec(["rm", "-rf", staging]);
        await pod.exec(["mkdir", "-p", staging]);
        await pod.copyIn(staged.dir, staging, notRestored());
        await pod.exec(["touch", `${member}/${RESTORE_WHOLE}`]);
    } finally {
        staged.remove();
    }
}

/** Laid over the folder, keeping the seed's peer list; from the whole staging, so it can run again. */
async function layStaging(pod: HelperPod, member: string, request: RestoreRequest): Promise<void> {
    const write = (file: string, value: string) =>
        pod.exec(["sh", "-c", 'cat >"$1"', "write", `${member}/${file}`], `${value}\n`);
    await pod.exec(["cp", "-a", `${member}/${RESTORE_STAGING}/.`, `${member}/`]);
    if (request.holdSealing)
        await write(SEALING_HOLD, "held until every restored node holds the backup's head (npm run status)");
    await write(SEED_MARKER, request.seedId);
    await write(RESTORED_MARKER, request.backupId);
    // Last: until the markers say which backup the volume holds, the whole staging must stay.
    await pod.exec(["rm", "-rf", `${member}/${RESTORE_STAGING}`, `${member}/${RESTORE_WHOLE}`]);
}
