// The restore's last phase, once every restored node runs: it waits until each node holds the
// backup's one head (restorePoint), and fails naming any node that holds another block there. Held
// from sealing (restorePoint "bft-held"), the nodes are released only once each has caught up with
// the highest head any holds: the hold marker comes off each volume, its miner starts, and the
// chain must seal a block past that head.
import { ipcRpc } from "../../lib/kubernetes/gethIpc";
import { Kube } from "../../lib/kubernetes/kubectl";
import { inQdata, SEALING_HOLD } from "../../lib/model/paths";
import { RestorePoint } from "../../lib/model/restorePoint";
import { memberName, nodePodName } from "../../lib/network/names";
import { pollUntil } from "../../lib/poll";
import { readSettle } from "./observe";
import { settleProgress } from "./plan";

export interface SettleRequest {
    nodeCount: number;
    point: RestorePoint;
    /** How long the nodes may take to sync to the point (a long chain takes a while). */
    timeoutMs: number;
}

const POLL_MS = 3000;
/** The miner threads the goquorum runtime starts geth with (--miner.threads 1). */
const MINER_THREADS = 1;

class ForkedRestore extends Error {}

export async function settleRestore(kube: Kube, request: SettleRequest, log: (line: string) => void): Promise<void> {
    const { point } = request;
    const held = point.way === "bft-held";
    log(`waiting for every node to hold block ${point.number} (${point.hash})${held ? ", sealing held" : ""}`);
    let waiting: string[] = [];
    const settled = async () => {
        const readings = await readSettle(kube, request.nodeCount, point.number);
        const progress = settleProgress(readings, point, held);
        if (progress.forked.length > 0)
            throw new ForkedRestore(`the restored nodes are not one chain: ${progress.forked.join("; ")}`);
        waiting = progress.waiting;
        return waiting.length === 0 ? readings : undefined;
    };
    const onWait = (attempt: number) =>
        attempt % 10 === 1 && waiting.length > 0 && log(`waiting for ${waiting.join(", ")}`);
    const onTimeout = () =>
        new Error(
            `the restored nodes did not reach the backup's head within ${request.timeoutMs / 1000} s: ${waiting.join(", ")}; see npm run status`,
        );
    const readings = await pollUntil("the restored nodes at the backup's head", settled, {
        timeoutMs: request.timeoutMs,
        intervalMs: POLL_MS,
        isFinal: (error) => error instanceof ForkedRestore,
        onWait,
        onTimeout,
    });
    log(`every node holds block ${point.number}`);
    if (held) await release(kube, request, Math.max(...readings.map((reading) => reading.head ?? 0)), log);
}

/** Each node's hold marker removed, so a restart seals too, and its miner started; then a new block on every node. */
async function release(kube: Kube, request: SettleRequest, head: number, log: (line: string) => void): Promise<void> {
    const indexes = Array.from({ length: request.nodeCount }, (_, i) => i + 1);
    for (const index of indexes) {
        await kube.exec(nodePodName(index), "quorum", ["rm", "-f", inQdata(SEALING_HOLD)]);
        await ipcRpc(kube, nodePodName(index))("miner_start", [MINER_THREADS]);
    }
    log(`sealing released on ${indexes.map(memberName).join(", ")} at block ${head}`);
    let behind: string[] = [];
    const sealing = async () => {
        const readings = await readSettle(kube, request.nodeCount, head + 1);
        behind = readings.filter((reading) => typeof reading.atPoint !== "string").map((reading) => reading.name);
        return behind.length === 0 ? true : undefined;
    };
    const onTimeout = () =>
        new Error(
            `sealing was released at block ${head}, but ${behind.join(", ")} holds no block past it within ${request.timeoutMs / 1000} s; see npm run status`,
        );
    await pollUntil("a block past the restored head", sealing, {
        timeoutMs: request.timeoutMs,
        intervalMs: POLL_MS,
        onTimeout,
    });
    log(`the chain seals again: block ${head + 1} on every node`);
}
