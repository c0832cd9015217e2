// What the dashboard shows, as PromQL over the metric names geth and Tessera export. Series carry
// the node pods' labels (the ServiceMonitor's podTargetLabels, or a scrape job's labelmap of pod
// and Service labels, as the Prometheus Helm chart's jobs do), with Prometheus's sanitised names.
import { PORTS } from "../network/ports";
import { NODE_NAME, VALIDATOR_LABEL } from "../network/names";

/** Prometheus's name for a label: every character outside [a-zA-Z0-9_] becomes "_". */
export function promLabel(kubernetesLabel: string): string {
    return kubernetesLabel.replace(/[^a-zA-Z0-9_]/g, "_");
}

export const NODE_LABEL = promLabel("app.kubernetes.io/instance");
const NAME_LABEL = promLabel("app.kubernetes.io/name");

/** A Grafana variable: one network's namespace, or all. */
export const NAMESPACE_VARIABLE = "namespace";

/** Every node's geth series (of any network, unless the namespace variable picks one). */
const NODES = `${NAME_LABEL}="${NODE_NAME}", namespace=~"$${NAMESPACE_VARIABLE}"`;

export interface PanelQuery {
    title: string;
    description: string;
    /** Per node; legendFormat names the node. */
    expr: string;
    legend: string;
    unit?: string;
}

const perNode = `{{${NODE_LABEL}}}`;

export interface PanelQueries {
    panels: PanelQuery[];
    /** The query the namespace variable lists its values with. */
    namespaces: string;
}

/**
 * Raft roles change at run time and GoQuorum exports none: the role panel shows BFT validators
 * only, by the validator label of each node's Service, which the Tessera target carries.
 */
export function panelQueries(bft: boolean): PanelQueries {
    const head = `chain_head_block{${NODES}}`;
    const tesseraUp = (more = "") => `up{${NODES}, instance=~".+:${PORTS.transactionManager}"${more}}`;
    const panels: PanelQuery[] = [
        {
            title: "Chain head",
            description: "The newest block each node has (chain_head_block).",
            expr: head,
            legend: perNode,
        },
        {
            title: "Blocks behind the highest",
            description: "How far each node trails the node with the newest block.",
            expr: `scalar(max(${head})) - ${head}`,
            legend: perNode,
        },
        {
            title: "Peers",
            description: "Connected p2p peers of each node (p2p_peers).",
            expr: `p2p_peers{${NODES}}`,
            legend: perNode,
        },
        {
            title: "Transaction pool: pending",
            description: "Executable transactions waiting in each node's pool (txpool_pending).",
            expr: `txpool_pending{${NODES}}`,
            legend: perNode,
        },
        {
            title: "Transaction pool: queued",
            description: "Transactions held back in each node's pool (txpool_queued).",
            expr: `txpool_queued{${NODES}}`,
            legend: perNode,
        },
        {
            title: "Time between blocks",
            description: "Seconds per block over the last 2 minutes; +Inf when no block came.",
            expr: `1 / rate(${head}[2m])`,
            legend: perNode,
            unit: "s",
        },
        {
            title: bft ? "Validators" : "Raft members",
            description: bft
                ? "1 for each node the stack counts as a validator, by its Service's kaleido.io/validator label."
                : "Every Raft member; its role (minter, verifier) is in npm run status: GoQuorum exports no Raft metric.",
            expr: bft
                ? `count by (${NODE_LABEL}) (${tesseraUp(`, ${promLabel(VALIDATOR_LABEL)}="true"`)})`
                : `count by (${NODE_LABEL}) (${head})`,
            legend: perNode,
        },
        {
            title: "Tessera up",
            description:
                "1 while Prometheus scrapes each node's Tessera (its /metrics on the P2P port), 0 when it cannot.",
            expr: tesseraUp(),
            legend: perNode,
        },
    ];
    return { panels, namespaces: `label_values(chain_head_block{${NAME_LABEL}="${NODE_NAME}"}, namespace)` };
}
