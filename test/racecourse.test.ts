// The racecourse: the project's app on the stock Node.js image by default, a user's image as the
// seed ran it, none with racecourse false; and the app itself, run as a process against fake
// JSON-RPC nodes.
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { REPO_ROOT } from "./support/fakeHost";
import { runProgram, stackFixture, workspaceFixture } from "./support/program";
import { named, ofType } from "./support/query";

const RACECOURSE_OBJECTS = [
    "quorum-racecourse-app",
    "quorum-racecourse-deployment",
    "quorum-racecourse-service",
    "quorum-racecourse-ingress",
];

describe("the racecourse (dev stack under mocks)", function () {
    this.timeout(60_000);
    const fixture = stackFixture("dev", 5);

    it("runs the project's app from a ConfigMap on the stock Node.js image, as its non-root user on a read-only root", () => {
        const app = named(fixture.run, "quorum-racecourse-app");
        assert.deepEqual(Object.keys(app.inputs.data).sort(), ["index.html", "server.js"]);
        const pod = named(fixture.run, "quorum-racecourse-deployment").inputs.spec.template.spec;
        const [container] = pod.containers;
        assert.equal(container.image, "node:22.12.0-alpine");
        assert.deepEqual(container.command, ["node", "/app/server.js"]);
        assert.deepEqual(pod.securityContext, {
            seccompProfile: { type: "RuntimeDefault" },
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
        });
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        assert.equal(pod.automountServiceAccountToken, false);
        const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
        assert.equal(env.QUORUM_RPC_URL, "http://10.96.0.99:8545");
        assert.equal(
            env.QUORUM_NODE_RPC_URLS,
            ["101", "102", "103", "104", "105"].map((host) => `http://10.96.0.${host}:8545`).join(","),
        );
    });

    it("rolls the pod when the app changes: its checksum is on the pod template", () => {
        const annotations = named(fixture.run, "quorum-racecourse-deployment").inputs.spec.template.metadata
            .annotations;
        assert.match(annotations["kaleido.io/racecourse-app"], /^[0-9a-f]{16}$/);
    });
});

describe("racecourse keys", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture({ dev: 5 });
    const render = (config: Record<string, string>) =>
        runProgram({ stack: "dev", fake: workspace.fake, projectDir: workspace.projectDir, config });

    it("racecourse false declares no Deployment, Service, Ingress or ConfigMap of it, and no URL", async () => {
        const run = await render({ racecourse: "false" });
        const left = run.resources.filter(
            (resource) => RACECOURSE_OBJECTS.includes(resource.name) || resource.name.startsWith("quorum-racecourse"),
        );
        assert.deepEqual(left, []);
        assert.equal(run.outputs.racecourseUrl, "");
        assert.equal(ofType(run, "kubernetes:networking.k8s.io/v1:Ingress").length, 0);
    });

    it("refuses racecourse keys with racecourse false, naming them", async () => {
        await assert.rejects(
            render({ racecourse: "false", racecourseImage: "me/app:1" }),
            /racecourseImage: only used with racecourse true/,
        );
    });

    it("runs a user's image as the seed ran it, loaded into minikube from the local Docker", async () => {
        const run = await render({ racecourseImage: "me/racecourse:2" });
        assert.ok(!run.resources.some((resource) => resource.name === "quorum-racecourse-app"));
        const [container] = named(run, "quorum-racecourse-deployment").inputs.spec.template.spec.containers;
        assert.equal(container.image, "me/racecourse:2");
        assert.equal(container.command, undefined);
        const loads = ofType(run, "command:local:Command").filter((command) => command.name.includes("-image-"));
        assert.deepEqual(
            loads.map((load) => load.inputs.environment.IMAGE),
            ["me/racecourse:2"],
        );
    });
});

/** A JSON-RPC node at a fixed height that mines whatever it is sent into the next block; `sent` counts what it was sent. */
function fakeNode(height: number, peers: number, sent = { count: 0 }): http.Server {
    const mined = new Map<string, number>();
    return http.createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => (body += chunk));
        request.on("end", () => {
            const { method, params } = JSON.parse(body) as { method: string; params: unknown[] };
            const hex = (n: number) => `0x${n.toString(16)}`;
            const results: Record<string, () => unknown> = {
                eth_chainId: () => hex(1337),
                eth_blockNumber: () => hex(height),
                net_peerCount: () => hex(peers),
                eth_accounts: () => ["0x" + "a".repeat(40)],
                eth_getBlockByNumber: () => ({
                    number: params[0],
                    hash: "0x" + "b".repeat(64),
                    transactions: [],
                    miner: "0x" + "0".repeat(40),
                }),
                eth_sendTransaction: () => {
                    sent.count++;
                    const hash = "0x" + "c".repeat(64);
                    mined.set(hash, height + 1);
                    return hash;
                },
                eth_getTransactionReceipt: () =>
                    mined.has(String(params[0])) ? { blockNumber: hex(mined.get(String(params[0]))!) } : null,
            };
            const result = results[method];
            response.setHeader("content-type", "application/json");
            response.end(
                JSON.stringify(
                    result
                        ? { jsonrpc: "2.0", id: 1, result: result() }
                        : { jsonrpc: "2.0", id: 1, error: { message: `no method ${method}` } },
                ),
            );
        });
    });
}

const listen = (server: http.Server) =>
    new Promise<number>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
    );

describe("the racecourse app (apps/racecourse/server.js) against fake nodes", function () {
    this.timeout(20_000);
    const sentToNode1 = { count: 0 };
    const nodes = [fakeNode(12, 1, sentToNode1), fakeNode(11, 1)];
    let app: ChildProcess;
    let base: string;

    before(async () => {
        const [one, two] = await Promise.all(nodes.map(listen));
        app = spawn(process.execPath, [path.join(REPO_ROOT, "apps/racecourse/server.js")], {
            env: {
                PORT: "0",
                QUORUM_RPC_URL: `http://127.0.0.1:${one}`,
                QUORUM_NODE_RPC_URLS: `http://127.0.0.1:${one},http://127.0.0.1:${two}`,
            },
            stdio: ["ignore", "pipe", "inherit"],
        });
        const line = await new Promise<string>((resolve) =>
            app.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString())),
        );
        base = `http://127.0.0.1:${/listening on (\d+)/.exec(line)?.[1]}`;
    });
    after(() => {
        app?.kill();
        for (const node of nodes) node.close();
    });

    it("serves its page and each node's height and peers, with the latest blocks", async () => {
        assert.match(await (await fetch(`${base}/`)).text(), /Send a transaction/);
        const network = await (await fetch(`${base}/api/network`)).json();
        assert.equal(network.chainId, 1337);
        assert.deepEqual(network.nodes, [
            { name: "node-1", height: 12, peers: 1 },
            { name: "node-2", height: 11, peers: 1 },
        ]);
        assert.deepEqual(
            network.blocks.map((block: { number: number }) => block.number),
            [12, 11, 10, 9, 8, 7],
        );
    });

    /** A POST as a browser sends it from a page of `origin` (Sec-Fetch-Site as the browser judges it), or as a tool sends it with neither. */
    const post = (headers: Record<string, string>) => fetch(`${base}/api/transactions`, { method: "POST", headers });
    const ownPage = () => ({ origin: base, "sec-fetch-site": "same-origin" });

    it("sends a transaction from node 1's account and reports it mined on each node", async () => {
        const sent = await post(ownPage());
        assert.equal(sent.status, 201);
        const { hash } = await sent.json();
        const seen = await (await fetch(`${base}/api/transactions/${hash}`)).json();
        // Each fake node keeps its own receipts: node 2 never saw the transaction.
        assert.deepEqual(seen.nodes, [
            { name: "node-1", blockNumber: 13 },
            { name: "node-2", blockNumber: null },
        ]);
    });

    it("sends a transaction from its own page reached under another host name (an Ingress host), and from a browser without Sec-Fetch-Site", async () => {
        const port = new URL(base).port;
        const viaName = await fetch(`http://localhost:${port}/api/transactions`, {
            method: "POST",
            headers: { origin: `http://localhost:${port}`, "sec-fetch-site": "same-origin" },
        });
        assert.equal(viaName.status, 201);
        assert.equal((await post({ origin: base })).status, 201);
    });

    const CROSS_SITE: [string, Record<string, string>][] = [
        ["a page of another site", { origin: "http://evil.example", "sec-fetch-site": "cross-site" }],
        ["a page of another site, Sec-Fetch-Site unsent", { origin: "http://evil.example" }],
        ["a page of a sibling site", { origin: "http://other.racecourse.local", "sec-fetch-site": "same-site" }],
        ["another port of the same host", { origin: "http://127.0.0.1:1", "sec-fetch-site": "same-site" }],
        ["a sandboxed or file page (Origin null)", { origin: "null", "sec-fetch-site": "cross-site" }],
        [
            "a forged same-origin claim from another origin",
            { origin: "http://evil.example", "sec-fetch-site": "same-origin" },
        ],
        ["a form posted from another site's link (no Origin)", { "sec-fetch-site": "cross-site" }],
        ["a request naming no origin at all", {}],
        ["a request the user typed (Sec-Fetch-Site none)", { "sec-fetch-site": "none" }],
    ];
    for (const [what, headers] of CROSS_SITE) {
        it(`refuses a transaction from ${what}, sending nothing to node 1`, async () => {
            const before = sentToNode1.count;
            const answer = await post(headers);
            assert.equal(answer.status, 403);
            assert.match((await answer.json()).error, /only from the racecourse's own page/);
            assert.equal(sentToNode1.count, before, "node 1 was sent a transaction");
        });
    }

    it("refuses a malformed hash instead of passing it to the nodes", async () => {
        const answer = await fetch(`${base}/api/transactions/0x12;drop`);
        assert.equal(answer.status, 400);
    });
});
