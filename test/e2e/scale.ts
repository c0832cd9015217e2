// e2e: the seed's config at 50 nodes: up, one genesis every upstream geth init accepts, npm run
// status over all of them, every member restarted by npm run rollout, destroy.
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { checkGenesisAccepted } from "./goEthereum";
import { expect, kubectlList, requireEnv, Step } from "./harness";
import { runStatus } from "./monitoring";
import { checkNetwork, destroyLeavingNothing, hostFolder, NAMESPACE } from "./network";
import { withFakeRaftNode } from "./shim";
import { PROJECT, Stack, StackValues } from "./stack";

const RUN_DIR = requireEnv("KALEIDO_E2E_RUN_DIR");
const run = promisify(execFile);

export function scaleSteps(seedConfig: StackValues): Step[] {
    return [
        [
            "scale: up 50 nodes, upstream geth init accepts their one genesis; npm run status reads all 50; npm run rollout restarts all 51 members one at a time",
            () => upFiftyNodes(seedConfig),
        ],
        ["scale, continued: destroy 50 nodes", () => destroyLeavingNothing(new Stack("e2e-scale"))],
    ];
}

async function upFiftyNodes(seedConfig: StackValues): Promise<void> {
    const scale = new Stack("e2e-scale");
    await scale.init({ ...seedConfig, nodeCount: "50" });
    await scale.up();
    checkNetwork(50);
    checkGenesisAccepted(
        Array.from({ length: 50 }, (_, i) => hostFolder(i + 1)),
        path.join(RUN_DIR, "go-ethereum"),
    );
    await withFakeRaftNode(((await scale.outputs()) as { nodes: { enode: string }[] }).nodes, 0, async () => {
        const { nodes, seconds, readSeconds } = await runStatus(scale.name);
        expect(
            nodes.length === 50 && nodes.every((node) => node.height !== undefined),
            "npm run status reads all 50 nodes",
            nodes.filter((node) => node.height === undefined),
        );
        process.stdout.write(
            `e2e: npm run status over 50 nodes: read in ${readSeconds.toFixed(1)} s, whole command ${seconds.toFixed(1)} s (each exec answered by the fake node through the kubectl shim)\n`,
        );
        // The read is what grows with the network; npm, ts-node and pulumi stack output add a fixed second or two.
        expect(
            readSeconds < 3,
            `npm run status reads 50 nodes in under 3 s (${readSeconds.toFixed(1)} s; ${seconds.toFixed(1)} s whole)`,
        );
        await restartEveryMember(scale.name);
    });
}

/**
 * npm run rollout over the 51 kwok members of a Raft network: each pod replaced and judged back (its
 * console calls answered by the fake node, in this process: the run must not block it) before the
 * next, the leader last.
 */
async function restartEveryMember(stack: string): Promise<void> {
    const uids = () =>
        new Map(kubectlList("pods", "-n", NAMESPACE).map((pod) => [pod.metadata.name, pod.metadata.uid]));
    const before = uids();
    const started = Date.now();
    const result = await run("npm", ["run", "--silent", "rollout", "--", "--stack", stack, "--timeout", "120"], {
        cwd: PROJECT,
    }).then(
        ({ stderr }) => ({ status: 0, stderr }),
        (error: { code?: number; stderr?: string }) => ({ status: error.code ?? 1, stderr: error.stderr ?? "" }),
    );
    const seconds = (Date.now() - started) / 1000;
    const members = result.stderr.split("\n").filter((line) => /rollout: (bootnode|node-\d+): Ready after/.test(line));
    expect(
        result.status === 0 && members.length === 51,
        "npm run rollout restarted all 51 members, one at a time",
        result.stderr.split("\n").slice(-12).join("\n"),
    );
    const order = members.map((line) => /rollout: (\S+):/.exec(line)![1]);
    expect(
        order[0] === "bootnode" && order[50] === "node-1",
        "the bootnode first, the Raft leader (node 1, the fake's minter) last",
        order.join(" "),
    );
    const after = uids();
    expect(
        [...before]
            .filter(([name]) => /^(bootnode|node)-set-/.test(name))
            .every(([name, uid]) => after.get(name) !== uid),
        "every member's pod was replaced",
    );
    process.stdout.write(
        `e2e: npm run rollout over 50 kwok nodes and the bootnode: ${seconds.toFixed(1)} s, ${(seconds / 51).toFixed(1)} s a member\n`,
    );
}
