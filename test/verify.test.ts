import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Consensus } from "../lib/model/consensus";
import { Kubectl } from "../lib/kubernetes/kubectl";
import { verifyNetwork } from "../operations/verify/act";
import { racecourseLookAt } from "../operations/verify/racecourseCheck";
import { FakeHost } from "./support/fakeHost";
import { FakeQuorum, FakeQuorumFaults } from "./support/fakeQuorum";

const NODES = 3;
const ALL_CHECKS = 7;

/** Writes what the fake kubectl reports for this network: pods, forwards, tm.pub files in the transaction manager's container. */
function describeCluster(
    fake: FakeHost,
    quorum: FakeQuorum,
    unreadyPod?: string,
    transactionManager = "constellation",
): void {
    const kube = path.join(fake.state, "kube");
    const podNames = [
        "bootnode-set-0",
        ...Array.from({ length: NODES }, (_, i) => `node-set-${i + 1}-0`),
        "racecourse-deployment-7d9f-x2k4",
    ];
    const containers = (name: string) =>
        name.startsWith("node-set-") ? [{ name: "quorum" }, { name: transactionManager }] : [{ name: "main" }];
    const items = podNames.map((name) => ({
        metadata: { name },
        spec: { containers: containers(name) },
        status: { conditions: [{ type: "Ready", status: name === unreadyPod ? "False" : "True" }] },
    }));
    fs.mkdirSync(kube, { recursive: true });
    fs.writeFileSync(path.join(kube, "pods.json"), JSON.stringify({ items }));
    const forward = (resource: string, remote: number, local: number) => {
        const dir = path.join(kube, "forward", resource.replace("/", "_"));
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, String(remote)), String(local));
    };
    for (let node = 1; node <= NODES; node++) {
        forward(`pod/node-set-${node}-0`, 8545, quorum.rpcPorts[node - 1]);
        forward(`pod/node-set-${node}-0`, 9000, quorum.upcheckPorts[node - 1]);
        const exec = path.join(kube, "exec", `node-set-${node}-0`, transactionManager, "qdata", "constellation");
        fs.mkdirSync(exec, { recursive: true });
        fs.writeFileSync(path.join(exec, "tm.pub"), quorum.tmPub(node) + "\n");
    }
    forward("svc/node-service", 8545, quorum.rpcPorts[0]);
}

async function verifyAgainst(
    faults: FakeQuorumFaults,
    unreadyPod?: string,
    consensus: Consensus = { kind: "raft" },
    transactionManager = "constellation",
): Promise<{ ok: boolean; lines: string[]; quorum: FakeQuorum; fake: FakeHost }> {
    const fake = new FakeHost();
    const quorum = new FakeQuorum(NODES, faults, consensus.kind === "raft" ? 0 : consensus.validators);
    await quorum.start();
    describeCluster(fake, quorum, unreadyPod, transactionManager);
    const lines: string[] = [];
    try {
        const ok = await fake.withFakesOnPath(() =>
            verifyNetwork(
                {
                    namespace: "quorum",
                    nodeCount: NODES,
                    runtime: transactionManager === "tessera" ? "goquorum" : "kaleido",
                    consensus,
                    racecourseUrl: "http://race.local/",
                    ingressAddress: `127.0.0.1:${quorum.racecoursePort}`,
                },
                new Kubectl("minikube", "quorum"),
                { checkTimeoutMs: 1500, pollMs: 50, log: (line) => lines.push(line) },
            ),
        );
        return { ok, lines, quorum, fake };
    } finally {
        quorum.close();
        fake.dispose();
    }
}

describe("npm run verify (lib/verify/verify.ts against fake kubectl and fake JSON-RPC nodes)", function () {
    this.timeout(30_000);

    it("passes every check on a working network, through kubectl port-forward and exec", async () => {
        const { ok, lines, quorum } = await verifyAgainst({});
        assert.ok(ok, lines.join("\n"));
        assert.equal(lines.filter((line) => line.startsWith("✔ ")).length, ALL_CHECKS, lines.join("\n"));
        assert.match(lines.join("\n"), /✔ every node sees the others \(2 peers\)/);
        assert.match(lines.join("\n"), /✔ a private transaction of nodes 1 and 2 is hidden from node 3: contract 0x/);
        assert.deepEqual(
            [...new Set(quorum.racecourseHosts)],
            ["race.local"],
            "the ingress check must send the racecourse host",
        );
        assert.ok(!lines.join("\n").includes(quorum.tmPub(2)), "printed a constellation key");
    });

    it("works unchanged on a goquorum QBFT network: Tessera's container, the validator checks", async () => {
        const qbft: Consensus = { kind: "qbft", validators: 2, blockPeriod: 1, roundChangeTimerMs: 11_000 };
        const { ok, lines } = await verifyAgainst({}, undefined, qbft, "tessera");
        assert.ok(ok, lines.join("\n"));
        assert.match(lines.join("\n"), /✔ a private transaction of nodes 1 and 2 is hidden from node 3/);
        assert.match(lines.join("\n"), /validators/);
    });

    it("points at the quorum container's own log on a goquorum network when a check fails", async () => {
        const qbft: Consensus = { kind: "qbft", validators: 2, blockPeriod: 1, roundChangeTimerMs: 11_000 };
        const { ok, lines } = await verifyAgainst({ validatorMissingOn: 2 }, undefined, qbft, "tessera");
        assert.ok(!ok);
        assert.match(lines.join("\n"), /kubectl -n quorum logs node-set-1-0 -c quorum/);
    });

    it("waits out geth's unlock after start: retries a transaction refused with 'authentication needed'", async () => {
        const { ok, lines, quorum } = await verifyAgainst({ unlockingFor: 3 });
        assert.ok(ok, lines.join("\n"));
        assert.equal(lines.filter((line) => line.startsWith("✔ ")).length, ALL_CHECKS, lines.join("\n"));
        assert.equal(
            quorum.sendCalls,
            3 + 2,
            "three refused sends retried, then the public and the private transaction",
        );
    });

    it("does not retry any other refusal of a transaction", async () => {
        const { ok, lines, quorum } = await verifyAgainst({
            refuseTransactions: "insufficient funds for gas * price + value",
        });
        assert.ok(!ok);
        assert.match(
            lines.join("\n"),
            /✘ a transaction through the node Service is mined on every node: eth_sendTransaction: insufficient funds/,
        );
        assert.equal(quorum.sendCalls, 1);
    });

    const faults: [string, FakeQuorumFaults, string | undefined, RegExp, RegExp][] = [
        [
            "a pod that is not Ready",
            {},
            "node-set-2-0",
            /✘ every pod Ready: not Ready: node-set-2-0/,
            /kubectl -n quorum describe pod/,
        ],
        [
            "a constellation that does not answer",
            { upcheckDownOn: 3 },
            undefined,
            /✘ each transaction manager answers its upcheck: node 3 upcheck answered 500/,
            /logs node-set-3-0 -c constellation/,
        ],
        [
            "a node missing peers",
            { peers: 1 },
            undefined,
            /✘ every node sees the others \(2 peers\): node 1 has 1 peers/,
            /static-nodes\.json/,
        ],
        [
            "two Raft leaders",
            { leaders: 2 },
            undefined,
            /✘ the Raft cluster has 3 members and one leader: 2 leaders/,
            /geth\.log/,
        ],
        [
            "private state visible to node 3",
            { leakPrivateTo: 3 },
            undefined,
            /✘ a private transaction .*: node 3 reads the private state/,
            /tm\.conf/,
        ],
        [
            "a racecourse that does not answer",
            { racecourseStatus: 503 },
            undefined,
            /✘ the racecourse answers through the ingress: http:\/\/race\.local\/ answered 503/,
            /minikube tunnel/,
        ],
    ];
    const IBFT: Consensus = { kind: "ibft", validators: 2, blockPeriod: 1, roundChangeTimerMs: 11_000 };

    it("checks the validator set and the block rhythm instead of Raft on an IBFT network", async () => {
        const { ok, lines } = await verifyAgainst({}, undefined, IBFT);
        assert.ok(ok, lines.join("\n"));
        assert.equal(lines.filter((line) => line.startsWith("✔ ")).length, ALL_CHECKS + 1, lines.join("\n"));
        assert.match(lines.join("\n"), /✔ every node counts the same 2 validators: 2 on 3 nodes/);
        assert.match(lines.join("\n"), /✔ blocks keep coming about every 1 s: block \d+, one every 1 s/);
        assert.ok(!lines.join("\n").includes("Raft"), "ran a Raft check on IBFT");
    });

    const ibftFaults: [string, FakeQuorumFaults, RegExp][] = [
        [
            "a node that counts fewer validators",
            { validatorMissingOn: 2 },
            /✘ every node counts the same 2 validators: node 2 counts 1 validators/,
        ],
        [
            "blocks far slower than the block period",
            { blockSeconds: 5 },
            /✘ blocks keep coming about every 1 s: a block every 5 s \(median of 8\), more than twice the block period; slow: \d+→\d+ 5 s, /,
        ],
    ];
    it("rides out one round change among the blocks it judges, and says so", async () => {
        const { ok, lines } = await verifyAgainst({ roundChangeAfter: 12 }, undefined, IBFT);
        assert.ok(ok, lines.join("\n"));
        assert.match(
            lines.join("\n"),
            /✔ blocks keep coming about every 1 s: block \d+, one every 1 s \(rode out 12→13 11 s\)/,
        );
    });

    for (const [what, fault, failure] of ibftFaults) {
        it(`fails on IBFT: ${what}`, async () => {
            const { ok, lines } = await verifyAgainst(fault, undefined, IBFT);
            assert.equal(ok, false);
            assert.match(lines.find((line) => line.startsWith("✘ ")) ?? "", failure);
        });
    }

    for (const [what, fault, unreadyPod, failure, hint] of faults) {
        it(`stops at the first failure and says what to look at: ${what}`, async () => {
            const { ok, lines } = await verifyAgainst(fault, unreadyPod);
            assert.equal(ok, false);
            const failed = lines.findIndex((line) => line.startsWith("✘ "));
            assert.match(lines[failed], failure);
            assert.match(lines[failed + 1], new RegExp(`^  look at: .*${hint.source}`));
            assert.equal(lines.length, failed + 2, "checks ran after a failure");
        });
    }

    it("points at 'minikube tunnel' when the stack's ingress address is the tunnel's, at the address itself otherwise", () => {
        const tunnel = racecourseLookAt("-n quorum", "127.0.0.1");
        assert.match(
            tunnel,
            /kubectl -n quorum get ingress; this stack reaches its ingress on 127\.0\.0\.1 via 'minikube tunnel' /,
        );
        assert.match(tunnel, /: is 'minikube tunnel -p <profile>' running\?$/);
        const nodeIp = racecourseLookAt("-n quorum", "192.168.49.2");
        assert.ok(!nodeIp.includes("tunnel"), nodeIp);
        assert.match(
            nodeIp,
            /can this machine reach 192\.168\.49\.2\? \('npm run connect' reaches the racecourse through kubectl instead\)/,
        );
    });
});
