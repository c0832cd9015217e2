// How every check of npm run verify observes the network: the target network, kubectl, each node's
// forwarded RPC, and retrying within the check's time limit.
import { Consensus } from "../../lib/model/consensus";
import { RuntimeName } from "../../lib/model/network";
import { jsonRpc } from "../../lib/httpRequest";
import { ipcRpc } from "../../lib/kubernetes/gethIpc";
import { Kube, PortForward } from "../../lib/kubernetes/kubectl";
import { nodePodName } from "../../lib/network/names";
import { pollUntil, PollTimeout } from "../../lib/poll";
import { Runtime } from "../../lib/runtime/runtime";
import { runtimeNamed } from "../../lib/runtime/runtimes";

export interface VerifyTarget {
    namespace: string;
    nodeCount: number;
    /** As the stack's outputs name it: outputs written before a runtime's rename hold its former name. */
    runtime: RuntimeName;
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

/** A failure that retrying cannot mend, with what to look at. */
export class CheckFailed extends Error {
    constructor(
        message: string,
        readonly lookAt: string,
    ) {
        super(message);
    }
}

export interface Check {
    name: string;
    /** A one-line result on success; throws on failure (CheckFailed says what to look at). */
    run(context: VerifyContext): Promise<string>;
}

export class VerifyContext {
    readonly nodes: number[];
    /** The transaction manager container of every node pod. */
    readonly transactionManager: Runtime["transactionManager"];
    private readonly gethLogFile?: string;
    /** `kubectl -n <namespace>`, for the hints. */
    readonly ns: string;
    private readonly rpcUrls = new Map<number, string>();
    private readonly forwards: PortForward[] = [];

    constructor(
        readonly target: VerifyTarget,
        readonly kube: Kube,
        readonly options: VerifyOptions,
    ) {
        this.nodes = Array.from({ length: target.nodeCount }, (_, i) => i + 1);
        const runtime = runtimeNamed(target.runtime);
        this.transactionManager = runtime.transactionManager;
        this.gethLogFile = runtime.gethLogFile;
        this.ns = `-n ${target.namespace}`;
    }

    /** Retries `attempt` until it returns a result or `timeoutMs` runs out; the last error explains. */
    async poll<T>(
        attempt: () => Promise<T | undefined>,
        lookAt: string,
        timeoutMs = this.options.checkTimeoutMs,
    ): Promise<T> {
        const onTimeout = (timeout: PollTimeout) =>
            new CheckFailed(`${timeout.lastError ?? "timed out"} (after ${Math.round(timeoutMs / 1000)} s)`, lookAt);
        return pollUntil("the check", attempt, {
            timeoutMs,
            intervalMs: this.options.pollMs,
            isFinal: (error) => error instanceof CheckFailed,
            onTimeout,
        });
    }

    async forward(resource: string, ports: number[]): Promise<PortForward> {
        const forward = await this.kube.portForward(resource, ports);
        this.forwards.push(forward);
        return forward;
    }

    setRpcUrl(node: number, url: string): void {
        this.rpcUrls.set(node, url);
    }

    rpcUrl(node: number): string {
        const url = this.rpcUrls.get(node);
        if (!url) throw new Error(`node ${node}'s RPC is not forwarded yet`);
        return url;
    }

    /** The node's administrative API (raft, istanbul), over its IPC socket: its HTTP RPC may not serve it. */
    admin<T>(node: number, method: string, params: unknown[] = []): Promise<T> {
        return ipcRpc(this.kube, nodePodName(node))<T>(method, params);
    }

    rpc<T>(node: number, method: string, params: unknown[] = []): Promise<T> {
        return jsonRpc<T>(this.rpcUrl(node), method, params, this.options.checkTimeoutMs);
    }

    /**
     * eth_sendTransaction, retried only while geth is still unlocking the account: `--unlock`
     * finishes a second or two after the RPC answers (scrypt), and until then geth refuses with
     * "authentication needed: password or unlock". Any other refusal fails the check at once.
     */
    sendTransaction(url: string, transaction: Record<string, unknown>, lookAt: string): Promise<string> {
        return this.poll(async () => {
            try {
                return await jsonRpc<string>(url, "eth_sendTransaction", [transaction], this.options.checkTimeoutMs);
            } catch (error) {
                const message = (error as Error).message;
                if (message.includes("authentication needed")) throw error;
                throw new CheckFailed(message, lookAt);
            }
        }, lookAt);
    }

    /** How to read geth's log: a file on the volume (the seed's start.sh writes one), or the container's output. */
    gethLog(node = 1): string {
        const pod = nodePodName(node);
        return this.gethLogFile
            ? `kubectl ${this.ns} exec ${pod} -c quorum -- tail ${this.gethLogFile}`
            : `kubectl ${this.ns} logs ${pod} -c quorum`;
    }

    close(): void {
        for (const forward of this.forwards) forward.close();
    }
}
