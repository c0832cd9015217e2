// Which RPC namespaces a container's geth serves, as its command line spells them: go-ethereum
// 1.10's --http.api and --ws.api, the seed's 2018 geth's --rpcapi and --wsapi, with a space or an
// "=", in args or inside a shell script; and the seed's start.sh, whose boot script picks them itself.
import { ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { PORTS } from "../lib/network/ports";
import { isPowerfulApi } from "../lib/network/rpcApis";
import { appliesTo, coversPort, networkPoliciesOf, openSource, PolicyView } from "./networkPolicies";
import {
    containerName,
    containersOf,
    JsonObject,
    knownResource,
    objectsAt,
    PodView,
    podOf,
    podsOf,
    stringsAt,
    where,
} from "./props";

const API_FLAGS = ["http.api", "ws.api", "rpcapi", "wsapi"];
/**
 * What the seed's start.sh serves on RPC and WS whatever it is told: its boot script
 * (kaleido-io/quorum-tools boot/lib/boot.js) writes `--rpcapi` and `--wsapi`
 * admin,db,eth,debug,miner,net,shh,txpool,personal,web3 and the consensus's own.
 */
export const SEED_POWERFUL_APIS = ["admin", "debug", "miner", "personal"];

/** A text split into words as sh would, near enough: quotes group and vanish; blanks and ; & | ( ) separate. */
export function shellWords(text: string): string[] {
    const words: string[] = [];
    let word: string | undefined;
    let quote: string | undefined;
    for (const char of text) {
        if (quote !== undefined) {
            if (char === quote) quote = undefined;
            else word = (word ?? "") + char;
        } else if (char === "'" || char === '"') {
            quote = char;
            word = word ?? "";
        } else if (/[\s;&|()]/.test(char)) {
            if (word !== undefined) words.push(word);
            word = undefined;
        } else {
            word = (word ?? "") + char;
        }
    }
    if (word !== undefined) words.push(word);
    return words;
}

/** A container's command line as words: command then args, each script (sh -c) split as the shell would. */
export const commandWords = (container: JsonObject): string[] =>
    [...stringsAt(container, "command"), ...stringsAt(container, "args")].flatMap(shellWords);

/** A flag's value: after "=" or in the next word, and the words after while it ends in a comma ("eth, admin"). */
function flagValue(words: string[], index: number, inline: string | undefined): string {
    let value = inline ?? words[index + 1] ?? "";
    let next = inline === undefined ? index + 2 : index + 1;
    while (value.endsWith(",") && next < words.length) value += words[next++];
    return value;
}

export interface ServedApis {
    flag: string;
    apis: string[];
}

/** Every API-list flag on a command line (geth takes one dash or two), with the namespaces it names. */
export function apiFlags(words: string[]): ServedApis[] {
    return words.flatMap((word, index) => {
        const match = /^--?([A-Za-z.]+)(?:=(.*))?$/s.exec(word);
        if (!match || !API_FLAGS.includes(match[1].toLowerCase())) return [];
        const apis = flagValue(words, index, match[2])
            .split(",")
            .map((api) => api.trim().toLowerCase())
            .filter((api) => api.length > 0);
        return [{ flag: `--${match[1]}`, apis }];
    });
}

/** Whether a container runs the seed's start.sh for geth (it opens RPC or is told the bootnode), not constellation's. */
export function runsSeedGeth(container: JsonObject): boolean {
    const words = commandWords(container);
    if (!words.some((word) => word === "start.sh" || word.endsWith("/start.sh"))) return false;
    const opensRpc = objectsAt(container, "ports").some(
        (port) => port.containerPort === PORTS.rpc || port.name === "rpc",
    );
    return opensRpc || words.some((word) => word.startsWith("--bootnode"));
}

function powerfulFlags(pod: PodView, container: JsonObject): string[] {
    const remedy = runsSeedGeth(container)
        ? "remove them from start.sh's arguments"
        : "remove them from rpcApis (the program administers nodes over IPC)";
    return apiFlags(commandWords(container)).flatMap(({ flag, apis }) => {
        const powerful = [...new Set(apis.filter(isPowerfulApi))];
        return powerful.length === 0
            ? []
            : [`${where(pod)}: ${containerName(container)}: ${flag} serves ${powerful.join(", ")}; ${remedy}`];
    });
}

export const rpcApis: ResourceValidationPolicy = {
    name: "rpc-no-admin-apis",
    description:
        "geth's HTTP and WS RPC serve no admin, debug, personal or miner namespace, however the flag is spelled " +
        "(--http.api, --http.api=, --ws.api, --rpcapi, --wsapi, in args, a shell script or start.sh's arguments): whoever reaches RPC could use them.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const pod = podOf(knownResource(args));
        if (!pod) return;
        for (const container of containersOf(pod.spec))
            for (const message of powerfulFlags(pod, container)) reportViolation(message);
    },
};

const RPC_PORTS = [
    { port: PORTS.rpc, name: "rpc" },
    { port: PORTS.ws, name: "ws" },
];

/** Why the pod's RPC is open to more than the clients the stack names, if it is. */
function rpcExposure(pod: PodView, policies: PolicyView[]): string | undefined {
    const applying = policies.filter((policy) => appliesTo(policy, pod));
    if (applying.length === 0) return "no NetworkPolicy isolates its pod: set networkPolicy true";
    for (const policy of applying) {
        for (const rule of policy.rules) {
            const source = openSource(rule);
            const covered = RPC_PORTS.filter(({ port, name }) => coversPort(rule, port, name));
            const ports = covered.map(({ port }) => port).join(", ");
            const remedy = "name its clients in from (rpcClients)";
            if (source !== undefined && covered.length > 0)
                return `NetworkPolicy ${policy.name} admits every source (${source}) to port ${ports}: ${remedy}`;
        }
    }
    return undefined;
}

export const seedRpcClosed: StackValidationPolicy = {
    name: "seed-rpc-behind-network-policies",
    description:
        "The seed's start.sh serves admin, debug, miner and personal on RPC and WS (its boot script writes --rpcapi itself), " +
        "so NetworkPolicies must keep its pods' RPC to the racecourse and rpcClients.",
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const resources = args.resources.map(knownResource);
        const policies = networkPoliciesOf(resources);
        for (const pod of podsOf(resources)) {
            const seed = containersOf(pod.spec).find(runsSeedGeth);
            const exposure = seed && rpcExposure(pod, policies);
            const serves = `the seed's start.sh serves ${SEED_POWERFUL_APIS.join(", ")} on RPC and WS`;
            if (seed && exposure) reportViolation(`${where(pod)}: ${containerName(seed)}: ${serves}, and ${exposure}`);
        }
    },
};
