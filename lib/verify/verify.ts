// The checks behind `npm run verify`: from pods to a private transaction, each with a time limit
// and, on failure, what to look at. Prints no key material: only counts, hashes and addresses.
import { Consensus } from "../config/consensus";
import { httpRequest, jsonRpc } from "../httpRequest";
import { Kube, PortForward } from "../kubernetes/kubectl";
import { PORTS } from "../network/ports";

export interface VerifyTarget {
    namespace: string;
    nodeCount: number;
    consensus: Consensus;
    racecourseUrl: string;
    /** Where the ingress listens (host[:port]); racecourseUrl's host goes in the Host header. */
    ingressAddress: string;
}

export interface VerifyOptions {
    checkTimeoutMs: number;
    pollMs: number;
    log: (line: string) => void;
}

class CheckFailed extends Error {
    constructor(
        message: string,
        readonly lookAt: string,
    ) {
        super(message);
    }
}

/**
 * Contract for the private-transaction check: its constructor stores 42 in slot 0; any call
 * returns slot 0. Hand-assembled: PUSH1 2a PUSH1 00 SSTORE, CODECOPY the 11-byte runtime
 * (PUSH1 00 SLOAD PUSH1 00 MSTORE PUSH1 20 PUSH1 00 RETURN) and return it.
 */
export const STORE_42_CONTRACT = "0x602a600055600b6011600039600b6000f3" + "60005460005260206000f3";
const FORTY_TWO = "0x" + "0".repeat(62) + "2a";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function verifyNetwork(target: VerifyTarget, kube: Kube, options: VerifyOptions): Promise<boolean> {
    const { log } = options;
    const forwards: PortForward[] = [];
    const nodes = Array.from({ length: target.nodeCount }, (_, i) => i + 1);
    const rpcUrl = new Map<number, string>();
    const ns = `-n ${target.namespace}`;

    /** Retries `attempt` until it returns a result or the check's time runs out; the last error explains. */
    const poll = async <T>(attempt: () => Promise<T | undefined>, lookAt: string): Promise<T> => {
        const deadline = Date.now() + options.checkTimeoutMs;
        let last = "timed out";
        for (;;) {
            try {
                const result = await attempt();
                if (result !== undefined) return result;
            } catch (error) {
                if (error instanceof CheckFailed) throw error;
                last = (error as Error).message;
            }
            if (Date.now() >= deadline) throw new CheckFailed(`${last} (after ${Math.round(options.checkTimeoutMs / 1000)} s)`, lookAt);
            await sleep(options.pollMs);
        }
    };
    const rpc = <T>(node: number, method: string, params: unknown[] = []) => jsonRpc<T>(rpcUrl.get(node)!, method, params, options.checkTimeoutMs);
    /**
     * eth_sendTransaction, retried only while geth is still unlocking the account: `--unlock`
     * finishes a second or two after the RPC answers (scrypt), and until then geth refuses with
     * "authentication needed: password or unlock". Any other refusal fails the check at once.
     */
    const sendTransaction = (url: string, transaction: Record<string, unknown>, lookAt: string) =>
        poll(async () => {
            try {
                return await jsonRpc<string>(url, "eth_sendTransaction", [transaction], options.checkTimeoutMs);
            } catch (error) {
                const message = (error as Error).message;
                if (message.includes("authentication needed")) throw error;
                throw new CheckFailed(message, lookAt);
            }
        }, lookAt);

    /** Where geth logs: the seed's start.sh writes a file; GoQuorum's geth (next to Tessera) logs to the container. */
    const geth = () => (transactionManager === "tessera" ? `kubectl ${ns} logs node-set-1-0 -c quorum` : `kubectl ${ns} exec node-set-1-0 -c quorum -- tail /qdata/logs/geth.log`);
    const raftChecks = (): [string, () => Promise<string>][] => [
        [
            `the Raft cluster has ${target.nodeCount} members and one leader`,
            async () => {
                for (const node of nodes) {
                    await poll(async () => {
                        const members = await rpc<unknown[]>(node, "raft_cluster");
                        if (members.length !== target.nodeCount) throw new Error(`node ${node} counts ${members.length} Raft members`);
                        return true;
                    }, geth());
                }
                const leaders = await poll(async () => {
                    const roles = await Promise.all(nodes.map((node) => rpc<string>(node, "raft_role")));
                    const minters = roles.filter((role) => role === "minter").length;
                    if (minters !== 1) throw new Error(`${minters} leaders (roles: ${roles.join(", ")})`);
                    return minters;
                }, geth());
                return `${leaders} leader`;
            },
        ],
    ];
    const ibftChecks = (validators: number, blockPeriod: number): [string, () => Promise<string>][] => [
        [
            `every node counts the same ${validators} IBFT validators`,
            async () => {
                let first: string | undefined;
                for (const node of nodes) {
                    await poll(async () => {
                        const set = (await rpc<string[]>(node, "istanbul_getValidators")).map((address) => address.toLowerCase()).sort();
                        if (set.length !== validators) throw new Error(`node ${node} counts ${set.length} validators`);
                        first ??= set.join();
                        if (set.join() !== first) throw new CheckFailed(`node ${node} has another validator set than node 1`, "the genesis extraData on each node: every node must share one genesis.json");
                        return true;
                    }, geth());
                }
                return `${validators} on ${nodes.length} nodes`;
            },
        ],
        [
            `blocks keep coming about every ${blockPeriod} s`,
            async () => {
                const start = Number(await rpc<string>(1, "eth_blockNumber"));
                const height = await poll(async () => {
                    const now = Number(await rpc<string>(1, "eth_blockNumber"));
                    if (now < start + 2) throw new Error(`node 1 is still at block ${now}`);
                    return now;
                }, `${geth()} (are more than 2/3 of the validators up?)`);
                const timestamp = async (block: number) => Number((await rpc<{ timestamp: string }>(1, "eth_getBlockByNumber", [`0x${block.toString(16)}`, false])).timestamp);
                const interval = (await timestamp(height)) - (await timestamp(height - 2));
                const perBlock = interval / 2;
                if (perBlock > 2 * blockPeriod) throw new CheckFailed(`a block every ${perBlock} s, more than twice the block period`, `${geth()}; roundChangeTimer and the validators' CPU`);
                return `block ${height}, one every ${perBlock} s`;
            },
        ],
    ];
    const consensusChecks = () => (target.consensus.kind === "raft" ? raftChecks() : ibftChecks(target.consensus.validators, target.consensus.blockPeriod));
    /** constellation (the seed's images) or tessera (runtime goquorum): whichever the node pods run. */
    let transactionManager = "constellation";

    const checks: [string, () => Promise<string>][] = [
        [
            "every pod Ready",
            async () => {
                const expected = ["bootnode-set-0", ...nodes.map((n) => `node-set-${n}-0`), "racecourse-deployment-"];
                let unready = "no pods yet";
                const count = await poll(async () => {
                    const pods = await kube.pods();
                    const missing = expected.filter((name) => !pods.some((pod) => pod.name.startsWith(name) && pod.ready));
                    unready = missing.join(", ");
                    if (missing.length > 0) throw new Error(`not Ready: ${unready}`);
                    if (pods.some((pod) => pod.name.startsWith("node-set-") && pod.containers.includes("tessera"))) transactionManager = "tessera";
                    return pods.length;
                }, `kubectl ${ns} get pods; kubectl ${ns} describe pod <pod>; kubectl ${ns} logs <pod> -c quorum`);
                return `${count} pods`;
            },
        ],
        [
            "each transaction manager answers its upcheck",
            async () => {
                for (const node of nodes) {
                    const forward = await kube.portForward(`pod/node-set-${node}-0`, [PORTS.rpc, PORTS.transactionManager]);
                    forwards.push(forward);
                    rpcUrl.set(node, `http://127.0.0.1:${forward.ports.get(PORTS.rpc)}`);
                    const upcheck = `http://127.0.0.1:${forward.ports.get(PORTS.transactionManager)}/upcheck`;
                    await poll(async () => {
                        const response = await httpRequest(upcheck, { timeoutMs: options.checkTimeoutMs });
                        if (!response.body.includes("I'm up!")) throw new Error(`node ${node} upcheck answered ${response.status}`);
                        return true;
                    }, `kubectl ${ns} logs node-set-${node}-0 -c ${transactionManager}; its config under /qdata on the node`);
                }
                return `${nodes.length} of ${nodes.length}`;
            },
        ],
        [
            `every node sees the others (${target.nodeCount - 1} peers)`,
            async () => {
                for (const node of nodes) {
                    await poll(async () => {
                        const peers = Number(await rpc<string>(node, "net_peerCount"));
                        if (peers !== target.nodeCount - 1) throw new Error(`node ${node} has ${peers} peers`);
                        return peers;
                    }, `static-nodes.json and the node Services (kubectl ${ns} get svc); ${geth()}`);
                }
                return "all connected";
            },
        ],
        ...consensusChecks(),
        [
            "a transaction through the node Service is mined on every node",
            async () => {
                const service = await kube.portForward("svc/node-service", [PORTS.rpc]);
                forwards.push(service);
                const serviceUrl = `http://127.0.0.1:${service.ports.get(PORTS.rpc)}`;
                const [from] = await jsonRpc<string[]>(serviceUrl, "eth_accounts", [], options.checkTimeoutMs);
                if (!from) throw new CheckFailed("the node has no unlocked account", "ethereum/keystore and passwords.txt in the node's qdata");
                const hash = await sendTransaction(serviceUrl, { from, to: from, value: "0x1" }, geth());
                const block = await poll(async () => (await jsonRpc<{ blockNumber: string } | null>(serviceUrl, "eth_getTransactionReceipt", [hash], options.checkTimeoutMs))?.blockNumber, geth());
                for (const node of nodes) {
                    await poll(async () => {
                        const height = Number(await rpc<string>(node, "eth_blockNumber"));
                        if (height < Number(block)) throw new Error(`node ${node} is at block ${height}, below ${Number(block)}`);
                        return height;
                    }, geth());
                }
                return `${hash.slice(0, 10)}… in block ${Number(block)}`;
            },
        ],
        [
            "a private transaction of nodes 1 and 2 is hidden from node 3",
            async () => {
                if (target.nodeCount < 3) return "skipped: needs 3 nodes";
                const lookAt = `kubectl ${ns} logs node-set-1-0 -c ${transactionManager}; the peers in its config`;
                const partyKey = (await kube.exec("node-set-2-0", transactionManager, ["cat", "/qdata/constellation/tm.pub"])).trim();
                const [from] = await rpc<string[]>(1, "eth_accounts");
                const hash = await sendTransaction(rpcUrl.get(1)!, { from, data: STORE_42_CONTRACT, gas: "0x30000", privateFor: [partyKey] }, lookAt);
                const address = await poll(async () => (await rpc<{ contractAddress: string } | null>(1, "eth_getTransactionReceipt", [hash]))?.contractAddress, lookAt);
                for (const node of [1, 2]) {
                    await poll(async () => {
                        const value = await rpc<string>(node, "eth_call", [{ to: address, data: "0x" }, "latest"]);
                        if (value !== FORTY_TWO) throw new Error(`node ${node} reads ${value}, not 42`);
                        return true;
                    }, lookAt);
                }
                const outsider = await rpc<string>(3, "eth_call", [{ to: address, data: "0x" }, "latest"]);
                if (outsider === FORTY_TWO) throw new CheckFailed("node 3 reads the private state of nodes 1 and 2", "privateFor handling: tm.conf publickeys on node 3");
                return `contract ${address}`;
            },
        ],
        [
            "the racecourse answers through the ingress",
            async () => {
                const url = new URL(target.racecourseUrl);
                const response = await poll(async () => {
                    const answer = await httpRequest(`http://${target.ingressAddress}${url.pathname}`, { headers: { host: url.host }, timeoutMs: options.checkTimeoutMs });
                    if (answer.status >= 400) throw new Error(`${target.racecourseUrl} answered ${answer.status}`);
                    return answer;
                }, `minikube addons list (ingress enabled?); kubectl ${ns} get ingress; with the docker driver on macOS or Windows, run 'minikube tunnel'`);
                return `HTTP ${response.status}`;
            },
        ],
    ];

    try {
        for (const [name, check] of checks) {
            try {
                log(`✔ ${name}: ${await check()}`);
            } catch (error) {
                const lookAt = error instanceof CheckFailed ? error.lookAt : "the message above";
                log(`✘ ${name}: ${(error as Error).message}`);
                log(`  look at: ${lookAt}`);
                return false;
            }
        }
        return true;
    } finally {
        for (const forward of forwards) forward.close();
    }
}
