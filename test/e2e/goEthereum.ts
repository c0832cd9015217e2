// Real go-ethereum (upstream geth, bootnode, ethkey: what GoQuorum forks) run on the files the
// program really seeded. It proves the chain identity, keys and peering; it runs no Raft, IBFT or
// QBFT, no permissioning and no private transactions (upstream geth has none of them).
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { E2eFailure, expect } from "./harness";

export interface SeededNetwork {
    /** The seeded host folders qdata_1..qdata_N, in node order. */
    nodeFolders: string[];
    bootnodeFolder: string;
    networkId: number;
    /** The `--bootnode=` value of each node's quorum container, in node order. */
    bootnodeArgs: string[];
    /** Scratch space for the geth datadirs; removed afterwards. */
    workDir: string;
}

interface GethNode {
    index: number;
    datadir: string;
    enodeId: string;
    account: string;
    p2pPort: number;
    httpPort: number;
    process?: ChildProcess;
}

/** Runs a go-ethereum tool to completion; its output, or a failure naming it. */
function tool(command: string, args: string[]): string {
    const result = spawnSync(command, args, { encoding: "utf8" });
    if (result.error) throw new E2eFailure(`${command}: ${result.error.message} (is it built? npm run e2e:tools)`);
    if (result.status !== 0)
        throw new E2eFailure(
            `${command} ${args.join(" ")} failed: ${(result.stderr + result.stdout).trim().split("\n").slice(-3).join(" | ")}`,
        );
    return result.stdout + result.stderr;
}

/** The enode id upstream bootnode derives from a seeded nodekey file. */
function derivedEnodeId(nodekeyFile: string): string {
    return tool("bootnode", ["-nodekey", nodekeyFile, "-writeaddress"]).trim();
}

function enodeIds(file: string): string[] {
    return (JSON.parse(fs.readFileSync(file, "utf8")) as string[]).map(
        (enode) => /^enode:\/\/([0-9a-f]{128})@/.exec(enode)?.[1] ?? enode,
    );
}

const portsTaken = new Set<number>();

/** A loopback port nothing listens on, never one handed out before in this run. */
async function freePort(): Promise<number> {
    for (;;) {
        const port = await unusedPort();
        if (!portsTaken.has(port)) {
            portsTaken.add(port);
            return port;
        }
    }
}

function unusedPort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

async function rpc<T>(port: number, method: string, params: unknown[] = []): Promise<T> {
    const response = await fetch(`http://127.0.0.1:${port}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await response.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
}

async function until<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    let last = "";
    for (;;) {
        try {
            const value = await probe();
            if (value !== undefined) return value;
        } catch (error) {
            if (error instanceof E2eFailure) throw error;
            last = (error as Error).message;
        }
        if (Date.now() > deadline)
            throw new E2eFailure(`${what} did not happen within ${seconds}s${last ? ` (last: ${last})` : ""}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
}

/** `geth init` on a copy of one seeded datadir: accepted, or the failure geth printed. */
function gethInit(datadir: string): void {
    tool("geth", ["--datadir", datadir, "--nousb", "init", path.join(datadir, "genesis.json")]);
}

/** Every seeded genesis is byte-identical and upstream geth init accepts it (for networks too large to run). */
export function checkGenesisAccepted(nodeFolders: string[], workDir: string): void {
    const genesisFiles = nodeFolders.map((folder) =>
        fs.readFileSync(path.join(folder, "ethereum/genesis.json"), "utf8"),
    );
    expect(new Set(genesisFiles).size === 1, `all ${nodeFolders.length} seeded genesis files are identical`);
    const datadir = path.join(workDir, "genesis-only");
    fs.mkdirSync(datadir, { recursive: true });
    fs.copyFileSync(path.join(nodeFolders[0], "ethereum/genesis.json"), path.join(datadir, "genesis.json"));
    try {
        gethInit(datadir);
    } finally {
        fs.rmSync(datadir, { recursive: true, force: true });
    }
}

/**
 * The full check on a seeded network: init, enode ids, keystores, then every node started on
 * loopback (its static-nodes.json pointed at the others' loopback ports) until each has N-1 peers
 * and all agree on the genesis block.
 */
export async function checkWithGoEthereum(network: SeededNetwork): Promise<void> {
    const { nodeFolders, workDir } = network;
    const count = nodeFolders.length;
    fs.mkdirSync(workDir, { recursive: true });
    const nodes: GethNode[] = [];
    try {
        const bootnodeId = derivedEnodeId(path.join(network.bootnodeFolder, "nodekey"));
        for (const [i, arg] of network.bootnodeArgs.entries())
            expect(
                arg.includes(`enode://${bootnodeId}@`),
                `node ${i + 1} starts with the bootnode's enode as bootnode derives it from qdata_0/nodekey`,
                arg,
            );

        for (const [i, folder] of nodeFolders.entries()) {
            const datadir = path.join(workDir, `node-${i + 1}`);
            fs.cpSync(path.join(folder, "ethereum"), datadir, { recursive: true });
            gethInit(datadir);
            const keystore = fs.readdirSync(path.join(datadir, "keystore"));
            const inspected = tool("ethkey", [
                "inspect",
                "--passwordfile",
                path.join(datadir, "passwords.txt"),
                path.join(datadir, "keystore", keystore[0]),
            ]);
            const account = /Address:\s+(0x[0-9a-fA-F]{40})/.exec(inspected)?.[1]?.toLowerCase();
            expect(
                account !== undefined,
                `qdata_${i + 1}'s keystore decrypts with its seeded passwords.txt`,
                inspected,
            );
            nodes.push({
                index: i + 1,
                datadir,
                enodeId: derivedEnodeId(path.join(datadir, "nodekey")),
                account: account ?? "",
                p2pPort: await freePort(),
                httpPort: await freePort(),
            });
        }
        const ids = nodes.map((node) => node.enodeId);
        for (const [i, folder] of nodeFolders.entries()) {
            for (const file of ["static-nodes.json", "permissioned-nodes.json"]) {
                expect(
                    JSON.stringify(enodeIds(path.join(folder, "ethereum", file))) === JSON.stringify(ids),
                    `qdata_${i + 1}/ethereum/${file} lists the enode ids bootnode derives from the nodes' seeded nodekeys, in order`,
                );
            }
        }

        for (const node of nodes) {
            pointStaticNodesAtLoopback(node, nodes);
            node.process = startGeth(node, network.networkId);
        }
        const genesisHashes = new Set<string>();
        for (const node of nodes) {
            const info = await until(`geth of node ${node.index} to answer`, 60, () => {
                if (node.process?.exitCode !== null)
                    throw new E2eFailure(`geth of node ${node.index} exited: ${logTail(node)}`);
                return rpc<{ enode: string }>(node.httpPort, "admin_nodeInfo");
            });
            expect(
                info.enode.startsWith(`enode://${node.enodeId}@`),
                `geth of node ${node.index} runs with the seeded nodekey`,
                info.enode,
            );
            const accounts = await rpc<string[]>(node.httpPort, "eth_accounts");
            expect(
                accounts.length === 1 && accounts[0].toLowerCase() === node.account,
                `geth of node ${node.index} finds the seeded keystore`,
                accounts,
            );
            const balance = BigInt(await rpc<string>(node.httpPort, "eth_getBalance", [node.account, "0x0"]));
            expect(balance > 0n, `node ${node.index}'s account is funded in the genesis state`, balance.toString());
            genesisHashes.add(
                (await rpc<{ hash: string }>(node.httpPort, "eth_getBlockByNumber", ["0x0", false])).hash,
            );
        }
        expect(genesisHashes.size === 1, `all ${count} nodes have the same genesis block (one chain)`, [
            ...genesisHashes,
        ]);
        for (const node of nodes) {
            await until(`geth of node ${node.index} to reach ${count - 1} peers`, 90, async () => {
                const peers = await rpc<unknown[]>(node.httpPort, "admin_peers");
                return peers.length === count - 1 ? true : undefined;
            });
        }
    } finally {
        await Promise.all(nodes.map((node) => stopGeth(node)));
        fs.rmSync(workDir, { recursive: true, force: true });
    }
}

/** The seeded list with each node's clusterIP:30303 replaced by its loopback port here; ids and order kept. */
function pointStaticNodesAtLoopback(node: GethNode, nodes: GethNode[]): void {
    const file = path.join(node.datadir, "static-nodes.json");
    const rewritten = (JSON.parse(fs.readFileSync(file, "utf8")) as string[]).map((enode) => {
        const peer = nodes.find((candidate) => enode.includes(candidate.enodeId));
        if (!peer) throw new E2eFailure(`${file}: ${enode} is none of the nodes`);
        return enode.replace(/@[^:/?]+:\d+/, `@127.0.0.1:${peer.p2pPort}`);
    });
    fs.writeFileSync(file, JSON.stringify(rewritten));
}

/** geth on 127.0.0.1 only: no discovery, no NAT, no mining; TOML because --port would listen on every interface. */
function startGeth(node: GethNode, networkId: number): ChildProcess {
    const config = path.join(node.datadir, "e2e.toml");
    fs.writeFileSync(
        config,
        `[Node.P2P]\nListenAddr = "127.0.0.1:${node.p2pPort}"\nNoDiscovery = true\nMaxPeers = 50\n`,
    );
    const log = fs.openSync(path.join(node.datadir, "geth.log"), "w");
    const args = [
        "--config",
        config,
        "--datadir",
        node.datadir,
        "--networkid",
        String(networkId),
        "--nat",
        "none",
        "--nousb",
        "--ipcdisable",
        "--syncmode",
        "full",
        "--cache",
        "64",
    ];
    args.push(
        "--http",
        "--http.addr",
        "127.0.0.1",
        "--http.port",
        String(node.httpPort),
        "--http.api",
        "admin,eth,net,web3",
    );
    return spawn("geth", args, { stdio: ["ignore", log, log] });
}

function logTail(node: GethNode): string {
    return fs.readFileSync(path.join(node.datadir, "geth.log"), "utf8").trim().split("\n").slice(-3).join(" | ");
}

function stopGeth(node: GethNode): Promise<void> {
    const child = node.process;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
            clearTimeout(killer);
            resolve();
        });
        child.kill("SIGTERM");
    });
}
