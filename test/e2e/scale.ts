// e2e: the seed's config at 50 nodes: up, one genesis every upstream geth init accepts, npm run
// status over all of them, destroy.
import * as path from "path";
import { checkGenesisAccepted } from "./goEthereum";
import { expect, requireEnv, Step } from "./harness";
import { runStatus } from "./monitoring";
import { checkNetwork, destroyLeavingNothing, hostFolder } from "./network";
import { withFakeRaftNode } from "./shim";
import { Stack, StackValues } from "./stack";

const RUN_DIR = requireEnv("KALEIDO_E2E_RUN_DIR");

export function scaleSteps(seedConfig: StackValues): Step[] {
    return [
        ["scale: up 50 nodes, upstream geth init accepts their one genesis; npm run status reads all 50", () => upFiftyNodes(seedConfig)],
        ["scale, continued: destroy 50 nodes", () => destroyLeavingNothing(new Stack("e2e-scale"))],
    ];
}

async function upFiftyNodes(seedConfig: StackValues): Promise<void> {
    const scale = new Stack("e2e-scale");
    await scale.init({ ...seedConfig, nodeCount: "50" });
    await scale.up();
    checkNetwork(50);
    checkGenesisAccepted(Array.from({ length: 50 }, (_, i) => hostFolder(i + 1)), path.join(RUN_DIR, "go-ethereum"));
    await withFakeRaftNode(((await scale.outputs()) as { nodes: { enode: string }[] }).nodes, async () => {
        const { nodes, seconds, readSeconds } = await runStatus(scale.name);
        expect(nodes.length === 50 && nodes.every((node) => node.height !== undefined), "npm run status reads all 50 nodes", nodes.filter((node) => node.height === undefined));
        process.stdout.write(`e2e: npm run status over 50 nodes: read in ${readSeconds.toFixed(1)} s, whole command ${seconds.toFixed(1)} s (each exec answered by the fake node through the kubectl shim)\n`);
        // The read is what grows with the network; npm, ts-node and pulumi stack output add a fixed second or two.
        expect(readSeconds < 3, `npm run status reads 50 nodes in under 3 s (${readSeconds.toFixed(1)} s; ${seconds.toFixed(1)} s whole)`);
    });
}
