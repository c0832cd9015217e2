// e2e, real pods, QBFT 4+1: a change of the GoQuorum image on the running network rolls out one
// member at a time while a watcher samples the pods and the chain's head; a tag that does not
// exist stops the rollout at its first member with the others sealing, and setting the tag back
// recovers; validators stopped make npm run status say the chain is stalled, and why.
import { execFile } from "child_process";
import { promisify } from "util";
import { expect, kubectl, KubeObject, kubectlList, waitUntil } from "./harness";
import { isReady, Shape } from "./network";
import { PROJECT, Stack } from "./stack";

const run = promisify(execFile);
const UPGRADED = "quorumengineering/quorum:24.4.2";
/** A newer tag that is on no node: its failed start must not count as a version that ran the chain. */
const MISSING = "quorumengineering/quorum:24.4.3";

export interface RolloutTarget {
    stack: Stack;
    shape: Shape;
    nodeCount: number;
    /** The chain's block period, seconds. */
    blockPeriod: number;
    gethAt: (index: number, script: string) => string;
    verify: () => void;
}

export interface WatchReport {
    /** The most members (bootnode and nodes) not Ready at one sample. */
    mostDown: number;
    /** The longest time between two heads seen to grow, seconds. */
    longestGap: number;
    samples: number;
}

/** Samples every member's readiness and one Ready node's head about twice a second until stopped. */
export function watchRollout(shape: Shape, nodeCount: number): { stop(): Promise<WatchReport> } {
    const members = ["bootnode-set-0", ...Array.from({ length: nodeCount }, (_, i) => `node-set-${i + 1}-0`)];
    const report: WatchReport = { mostDown: 0, longestGap: 0, samples: 0 };
    let [head, grewAt, stopped] = [-1, Date.now(), false];
    const sample = async () => {
        const { stdout } = await run("kubectl", ["get", "pods", "-n", shape.namespace, "-o", "json"]);
        const pods = (JSON.parse(stdout) as { items: KubeObject[] }).items;
        const ready = members.filter((name) => pods.some((pod) => pod.metadata.name === name && isReady(pod)));
        report.mostDown = Math.max(report.mostDown, members.length - ready.length);
        const reader = ready.find((name) => name.startsWith("node-set-"));
        if (!reader) return;
        const height = Number(
            (
                await run("kubectl", [
                    "exec",
                    "-n",
                    shape.namespace,
                    reader,
                    "-c",
                    "quorum",
                    "--",
                    "geth",
                    "attach",
                    "--exec",
                    "eth.blockNumber",
                    "/qdata/ethereum/geth.ipc",
                ])
            ).stdout.trim(),
        );
        if (height > head) {
            if (head >= 0) report.longestGap = Math.max(report.longestGap, (Date.now() - grewAt) / 1000);
            [head, grewAt] = [height, Date.now()];
        }
    };
    const loop = (async () => {
        while (!stopped) {
            await sample().catch(() => undefined);
            report.samples++;
            await new Promise((resolve) => setTimeout(resolve, 500));
        }
    })();
    return {
        async stop() {
            stopped = true;
            await loop;
            report.longestGap = Math.max(report.longestGap, (Date.now() - grewAt) / 1000);
            return report;
        },
    };
}

/** What the rollout step printed in its last run, as the state keeps it (the Command's stderr). */
async function rolloutStepOutput(stack: Stack): Promise<string> {
    const state = JSON.parse(await stack.cli("stack", "export")) as {
        deployment: { resources: { urn: string; outputs?: { stderr?: string } }[] };
    };
    return (
        state.deployment.resources.find((resource) => resource.urn.endsWith("::quorum-rollout"))?.outputs?.stderr ?? ""
    );
}

const memberImages = (shape: Shape) =>
    kubectlList("pods", "-n", shape.namespace)
        .filter((pod) => /^(bootnode|node)-set-/.test(pod.metadata.name))
        .map(
            (pod) =>
                (pod.spec as { containers: { name: string; image: string }[] }).containers.find(
                    (c) => c.name === "quorum" || c.name === "bootnode",
                )?.image ?? "",
        );

export async function checkRollouts(target: RolloutTarget): Promise<void> {
    await upgradeOneAtATime(target);
    await missingTagStopsAtFirstMember(target);
    await stalledChainNamed(target);
}

async function upgradeOneAtATime({ stack, shape, nodeCount, blockPeriod, verify }: RolloutTarget): Promise<void> {
    await stack.setConfig("quorumImage", UPGRADED);
    const watch = watchRollout(shape, nodeCount);
    const started = Date.now();
    await stack.up();
    const seconds = (Date.now() - started) / 1000;
    const report = await watch.stop();
    const output = await rolloutStepOutput(stack);
    const perMember = output.split("\n").filter((line) => /rollout: (bootnode|node-\d+): Ready after/.test(line));
    process.stdout.write(
        `e2e: rollout of ${nodeCount + 1} members (pulumi up): ${seconds.toFixed(1)} s; ${report.samples} samples, at most ${report.mostDown} down, longest gap between blocks ${report.longestGap.toFixed(1)} s\n${perMember.map((line) => `    ${line.trim()}`).join("\n")}\n`,
    );
    expect(
        report.samples > 10 && report.mostDown === 1,
        "the rollout took the members down one at a time, never two at once",
        report,
    );
    // Three block periods, and one member's restart (its turn as signer comes round while it starts).
    const bound = 3 * blockPeriod + 20;
    expect(report.longestGap < bound, `the chain's longest gap between blocks stayed under ${bound} s`, report);
    expect(
        memberImages(shape).every((image) => image === UPGRADED),
        "every member runs the new image",
        memberImages(shape),
    );
    expect(
        perMember.length === nodeCount + 1,
        "the rollout reported each member's time",
        output.split("\n").slice(-30).join("\n"),
    );
    verify();
    await stack.cli("preview", "--expect-no-changes");
}

async function missingTagStopsAtFirstMember({ stack, shape, nodeCount, gethAt }: RolloutTarget): Promise<void> {
    // Fails within a minute instead of the default five; the pull policy Never keeps the harness off any registry.
    await stack.setConfig("rolloutTimeout", "60");
    await stack.setConfig("quorumImage", MISSING);
    const failed = await stack.cliFailing("up", "--yes", "--skip-preview");
    expect(
        /rollout stopped at bootnode: not Ready within 60\.0 s \(ErrImageNeverPull/.test(failed),
        "up fails naming the first member and why",
        failed.split("\n").slice(-30).join("\n"),
    );
    expect(
        /node-5, node-1, node-2, node-3, node-4 still run their previous spec/.test(failed) &&
            /set the value you changed back/.test(failed),
        "it names the members left alone and the way back",
        failed.split("\n").slice(-30).join("\n"),
    );
    const nodes = Array.from({ length: nodeCount }, (_, i) => i + 1);
    expect(
        nodes.every((i) =>
            isReady(kubectlList("pods", "-n", shape.namespace).find((pod) => pod.metadata.name === `node-set-${i}-0`)!),
        ),
        "every node keeps running on its previous image",
    );
    const before = Number(gethAt(1, "eth.blockNumber"));
    await waitUntil("the nodes to go on sealing", 30, () => Number(gethAt(1, "eth.blockNumber")) > before + 3);
    await stack.setConfig("quorumImage", UPGRADED);
    await stack.up();
    expect(
        memberImages(shape).every((image) => image === UPGRADED) && memberImages(shape).length === nodeCount + 1,
        "setting the tag back and up again recovers the bootnode",
        memberImages(shape),
    );
    await stack.cli("preview", "--expect-no-changes");
}

async function stalledChainNamed({ shape, stack }: RolloutTarget): Promise<void> {
    const status = async () => {
        const result = await run("npm", ["run", "--silent", "status", "--", "--stack", stack.name, "--json"], {
            cwd: PROJECT,
        }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "{}" }));
        return JSON.parse(result.stdout) as {
            chain?: {
                state: string;
                why: string[];
                quorum: { needed: number; of: number; up: number };
                recovery?: string;
            };
        };
    };
    // QBFT 4 stops with 2 validators down; the stand-in's Clique seals with every node's account
    // (5 signers), so it stops with 3 down: the status's words are checked for three.
    const stopped = ["node-set-1", "node-set-2", "node-set-3"];
    const scale = (replicas: number) => {
        for (const set of stopped)
            kubectl("scale", "statefulset", set, "-n", shape.namespace, `--replicas=${replicas}`);
    };
    scale(0);
    let seen: Awaited<ReturnType<typeof status>> = {};
    const inState = (state: string) => async () => {
        seen = await status();
        return seen.chain?.state === state ? true : undefined;
    };
    await waitFor("npm run status to call the chain stalled", 120, inState("stalled"));
    const why = seen.chain?.why.join("; ") ?? "";
    expect(
        [1, 2, 3].every((i) => why.includes(`node-${i}: pod not Ready`)),
        "status names the validators that are down",
        seen.chain,
    );
    expect(
        seen.chain?.quorum.needed === 3 && seen.chain.quorum.of === 4 && seen.chain.quorum.up === 1,
        "status says the quorum needs 3 of 4 and 1 is up",
        seen.chain,
    );
    expect(
        /^too few validators: bring back node-1, node-2, node-3/.test(seen.chain?.recovery ?? ""),
        "status says how to bring the chain back",
        seen.chain,
    );
    scale(1);
    await waitFor("the chain to go on, and status to say so", 120, inState("sealing"));
}

async function waitFor(what: string, seconds: number, probe: () => Promise<true | undefined>): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (!(await probe())) {
        expect(Date.now() < deadline, `${what} within ${seconds} s`);
        await new Promise((resolve) => setTimeout(resolve, 3000));
    }
}
