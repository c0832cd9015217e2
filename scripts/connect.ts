// npm run connect [-- --stack NAME] [--rpc-port 8545] [--ws-port 8546] [--app-port 3000]
// Reaches the network from this machine: keeps `kubectl port-forward`s to node-service's JSON-RPC
// and WebSocket and to the racecourse open on 127.0.0.1, and prints the URLs and the chain id for
// a wallet, Hardhat or ethers. Ctrl-C closes them; it ends, naming it, when one of them ends.
import { ChildProcess, spawn } from "child_process";
import { runTool, ToolArgs, UsageError } from "../lib/cli";
import { httpRpc } from "../lib/httpRequest";
import { NODE_SERVICE, RACECOURSE_SERVICE } from "../lib/network/names";
import { NAMED_PORTS } from "../lib/network/ports";
import { StackOutputs } from "../lib/model/outputs";

const USAGE =
    "usage: npm run connect [-- --stack NAME] [--rpc-port 8545] [--ws-port 8546] [--app-port 3000]\n" +
    "keeps port-forwards to the network's JSON-RPC, WebSocket and racecourse open on 127.0.0.1 and prints their URLs and the chain id; Ctrl-C to stop";
const FORWARD_TIMEOUT_MS = 30_000;

interface Forward {
    process: ChildProcess;
    /** Resolves once kubectl says it forwards; rejects with its last words if it ends first. */
    ready: Promise<void>;
}

/** 0 and 70000 alike are not ports: one message for both. */
function localPort(args: ToolArgs, name: string, fallback: number): number {
    const text = args.option(name) ?? String(fallback);
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < 1 || port > 65535)
        throw new UsageError(`--${name} must be a port from 1 to 65535, not ${text}`);
    return port;
}

function portForward(outputs: StackOutputs, service: string, pairs: string[]): Forward {
    const child = spawn(
        "kubectl",
        [
            "--context",
            outputs.kubeContext,
            "--namespace",
            outputs.namespace,
            "port-forward",
            "--address",
            "127.0.0.1",
            `service/${service}`,
            ...pairs,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
    );
    let said = "";
    const ready = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
            () =>
                reject(
                    new Error(`kubectl port-forward to ${service} did not start within ${FORWARD_TIMEOUT_MS / 1000} s`),
                ),
            FORWARD_TIMEOUT_MS,
        );
        child.stdout.on("data", (chunk: Buffer) => {
            if (chunk.toString().includes("Forwarding from")) {
                clearTimeout(timer);
                resolve();
            }
        });
        child.stderr.on("data", (chunk: Buffer) => (said += chunk.toString()));
        child.on("error", (error) => reject(error));
        child.on("exit", () =>
            reject(new Error(`kubectl port-forward to ${service} ended: ${said.trim().split("\n").pop() ?? ""}`)),
        );
    });
    return { process: child, ready };
}

async function run(args: ToolArgs): Promise<number> {
    const ports = {
        rpc: localPort(args, "rpc-port", NAMED_PORTS.rpc.port),
        ws: localPort(args, "ws-port", NAMED_PORTS.ws.port),
        app: localPort(args, "app-port", NAMED_PORTS.http.port),
    };
    const outputs = args.stack();
    const forwards = [
        portForward(outputs, NODE_SERVICE, [
            `${ports.rpc}:${NAMED_PORTS.rpc.port}`,
            `${ports.ws}:${NAMED_PORTS.ws.port}`,
        ]),
    ];
    if (outputs.racecourseUrl)
        forwards.push(portForward(outputs, RACECOURSE_SERVICE, [`${ports.app}:${NAMED_PORTS.http.port}`]));
    const stop = () => {
        for (const forward of forwards) forward.process.kill();
    };
    process.on("SIGINT", () => (stop(), process.exit(0)));
    process.on("SIGTERM", () => (stop(), process.exit(0)));
    try {
        await Promise.all(forwards.map((forward) => forward.ready));
        const rpcUrl = `http://127.0.0.1:${ports.rpc}`;
        const chainId = Number.parseInt(await httpRpc(rpcUrl, 10_000)<string>("eth_chainId"), 16);
        console.log(
            [
                `connect: stack ${args.stackName()}, namespace ${outputs.namespace}, context ${outputs.kubeContext}; Ctrl-C to stop`,
                `  JSON-RPC    ${rpcUrl}`,
                `  WebSocket   ws://127.0.0.1:${ports.ws}`,
                `  chain id    ${chainId}`,
                ...(outputs.racecourseUrl ? [`  racecourse  http://127.0.0.1:${ports.app}/`] : []),
                `  wallet: add a network with that RPC URL and chain id; Hardhat: networks: { quorum: { url: "${rpcUrl}", chainId: ${chainId} } }; ethers: new JsonRpcProvider("${rpcUrl}")`,
            ].join("\n"),
        );
        // Open until Ctrl-C, or until a forward ends (its pod replaced, the cluster stopped).
        await Promise.race(forwards.map((forward) => new Promise((resolve) => forward.process.on("exit", resolve))));
        console.error(
            "connect: a port-forward ended (its pod was replaced or the cluster stopped); run npm run connect again",
        );
        return 1;
    } catch (error) {
        console.error(`connect: ${(error as Error).message}`);
        return 1;
    } finally {
        stop();
    }
}

runTool({ name: "connect", usage: USAGE, options: ["stack", "rpc-port", "ws-port", "app-port"], run });
