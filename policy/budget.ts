// PodDisruptionBudgets as the disruption controller counts them, against the quorum the chain needs
// as the program computes it (lib/model/consensus.ts quorumSize): a drain must leave enough members
// up to go on sealing.
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { quorumSize } from "../lib/model/consensus";
import { VALIDATOR_LABEL } from "../lib/network/names";
import { PORTS } from "../lib/network/ports";
import { commandWords } from "./rpc";
import { containersOf, instanceOf, isNode, JsonObject, kindOf, knownResource, listed, nameOf } from "./props";
import { objectAt, objectsAt, PodView, podsOf, Resource, sameNamespace, selects, stringsAt, textAt } from "./props";

type Kept = { keeps: number } | { problem: string };

/** A minAvailable or maxUnavailable as a count of `total` selected pods: percentages rounded up, as the controller does. */
function scaled(field: string, value: unknown, total: number): number | string {
    if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
    const percent = typeof value === "string" ? /^(\d+)%$/.exec(value) : null;
    if (percent) return Math.ceil((Number(percent[1]) * total) / 100);
    return `${field} ${JSON.stringify(value)} is neither a whole number nor a percentage`;
}

/** How many of its `selected` pods a budget keeps up through a drain. */
export function keptBy(spec: JsonObject, selected: number): Kept {
    if (spec.minAvailable !== undefined) {
        const kept = scaled("minAvailable", spec.minAvailable, selected);
        return typeof kept === "string" ? { problem: kept } : { keeps: Math.min(kept, selected) };
    }
    if (spec.maxUnavailable !== undefined) {
        const down = scaled("maxUnavailable", spec.maxUnavailable, selected);
        return typeof down === "string" ? { problem: down } : { keeps: Math.max(0, selected - down) };
    }
    return { problem: "sets neither minAvailable nor maxUnavailable" };
}

/** A Raft member opens Raft's port, and its geth or start.sh is told --raft, --raftInit, --raftID or --raftjoinexisting. */
const isRaftContainer = (container: JsonObject): boolean =>
    objectsAt(container, "ports").some((port) => port.name === "raft" || port.containerPort === PORTS.raft) ||
    commandWords(container).some((word) => /^--raft(Init|ID|joinexisting)?(=|$)/i.test(word));

const isRaftNode = (pod: PodView): boolean => containersOf(pod.spec).some(isRaftContainer);

interface Budget {
    name: string;
    selected: PodView[];
    kept: Kept;
    /** The node instances its selector's instance In list names. */
    named: string[];
}

function budgetsOf(resources: Resource[], nodes: PodView[]): Budget[] {
    return resources
        .filter((resource) => kindOf(resource.type) === "PodDisruptionBudget")
        .map((resource) => {
            const spec = objectAt(resource.props, "spec");
            const namespace = textAt(resource.props, "metadata", "namespace");
            const selected = nodes.filter(
                (node) => sameNamespace(namespace, node.namespace) && selects(spec.selector, node.labels),
            );
            const named = objectsAt(spec, "selector", "matchExpressions")
                .filter(
                    (expression) =>
                        textAt(expression, "key") === "app.kubernetes.io/instance" &&
                        textAt(expression, "operator") === "In",
                )
                .flatMap((expression) => stringsAt(expression, "values"));
            return { name: nameOf(resource), selected, kept: keptBy(spec, selected.length), named };
        });
}

interface Counted {
    raft: boolean;
    members: string[];
}

/** The members the chain counts: under Raft every node; under IBFT/QBFT the validators their Services mark, else the ones a budget names, else all. */
function countedMembers(resources: Resource[], nodes: PodView[], budgets: Budget[]): Counted {
    const all = nodes.map(instanceOf);
    if (nodes.some(isRaftNode)) return { raft: true, members: all };
    const marked = resources
        .filter(
            (resource) =>
                kindOf(resource.type) === "Service" &&
                textAt(resource.props, "metadata", "labels", VALIDATOR_LABEL) === "true",
        )
        .map((resource) => textAt(resource.props, "metadata", "labels", "app.kubernetes.io/instance") ?? "");
    const named = budgets.flatMap((budget) => budget.named);
    const validators = [marked, named, all].find((set) => set.some((member) => all.includes(member))) ?? all;
    return { raft: false, members: [...new Set(validators.filter((member) => all.includes(member)))] };
}

/** How many counted members a budget keeps up at worst: the selected pods it keeps, less those the chain does not count. */
function keptCounted(budget: Budget, counted: string[]): number {
    if (!("keeps" in budget.kept)) return 0;
    const uncounted = budget.selected.filter((pod) => !counted.includes(instanceOf(pod))).length;
    return Math.max(0, budget.kept.keeps - uncounted);
}

function judge(resources: Resource[], reportViolation: ReportViolation): void {
    const nodes = podsOf(resources).filter(isNode);
    if (nodes.length === 0) return;
    const budgets = budgetsOf(resources, nodes);
    for (const budget of budgets) {
        const none = `its selector matches none of ${listed(nodes.map(instanceOf))}; select the nodes (app.kubernetes.io/name=quorum-node)`;
        if (budget.selected.length === 0)
            reportViolation(`PodDisruptionBudget ${budget.name} selects no node: ${none}`);
        else if ("problem" in budget.kept) reportViolation(`PodDisruptionBudget ${budget.name} ${budget.kept.problem}`);
    }
    const guarding = budgets.filter((budget) => budget.selected.length > 0);
    const spread = nodes.some((node) => objectsAt(node.spec, "topologySpreadConstraints").length > 0);
    if (!spread && guarding.length === 0) return;
    const counted = countedMembers(resources, nodes, budgets);
    // The pack cannot see the genesis, which decides between ceil(2N/3) and 2F+1 for IBFT/QBFT: it
    // asks for ceil(2N/3), never below 2F+1, as quorumSize does for a height it does not know.
    const needed = quorumSize(
        counted.raft ? { kind: "raft" } : { kind: "qbft", ceil2Nby3Block: 0 },
        counted.members.length,
    );
    const kept = guarding.map((budget) => ({ name: budget.name, keeps: keptCounted(budget, counted.members) }));
    if (kept.some((budget) => budget.keeps >= needed)) return;
    const what = counted.raft
        ? `${counted.members.length} Raft nodes`
        : `${counted.members.length} validators (${listed(counted.members)})`;
    const rule = counted.raft ? "a majority" : `ceil(2·${counted.members.length}/3)`;
    const found =
        kept.length === 0 ? "" : `: ${kept.map((budget) => `${budget.name} keeps ${budget.keeps}`).join(", ")}`;
    const where = spread ? " spread over cluster nodes" : "";
    reportViolation(
        `${what}${where} need ${needed} up (${rule}), but no PodDisruptionBudget keeps ${needed} of them up${found}`,
    );
}

export const budgetKeepsQuorum: StackValidationPolicy = {
    name: "disruption-budget-keeps-quorum",
    description:
        "Where nodes spread over cluster nodes (or a budget guards them), a PodDisruptionBudget keeps the quorum up through a drain: " +
        "a Raft majority, or ceil(2N/3) of the IBFT/QBFT validators; every budget selects a node.",
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) =>
        judge(args.resources.map(knownResource), reportViolation),
};
