// `npm run status`'s table: one row per node, columns dropped (least needed first) until the
// table fits the terminal, and the verdict cut to the width that is left.
import { formatAge, NetworkStatus, NodeStatus } from "./plan";

interface Column {
    title: string;
    /** Lower goes first when the terminal is too narrow; without one (the node, the verdict) it always stays. */
    keep?: number;
    cell(node: NodeStatus): string;
    alignRight?: boolean;
}

const dash = (value: number | string | undefined) => (value === undefined ? "-" : String(value));

const COLUMNS: Column[] = [
    { title: "NODE", cell: (node) => node.node },
    { title: "HEIGHT", keep: 8, cell: (node) => dash(node.height), alignRight: true },
    { title: "BEHIND", keep: 6, cell: (node) => dash(node.behind), alignRight: true },
    { title: "PEERS", keep: 7, cell: (node) => dash(node.peers), alignRight: true },
    { title: "ROLE", keep: 5, cell: (node) => dash(node.role) },
    { title: "PENDING", keep: 2, cell: (node) => dash(node.pending), alignRight: true },
    {
        title: "LAST BLOCK",
        keep: 4,
        cell: (node) => (node.lastBlockAge === undefined ? "-" : formatAge(node.lastBlockAge)),
        alignRight: true,
    },
    { title: "RESTARTS", keep: 3, cell: (node) => dash(node.restarts), alignRight: true },
    { title: "VERDICT", cell: (node) => node.verdict },
];

const GAP = "  ";
/** The verdict keeps at least this much room before other columns go. */
const MIN_VERDICT = 12;

function widthsOf(columns: Column[], rows: string[][]): number[] {
    return columns.map((column, i) => Math.max(column.title.length, ...rows.map((row) => row[i].length)));
}

function fits(widths: number[], width: number): boolean {
    const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + GAP.length, 0);
    return fixed + Math.min(widths[widths.length - 1], MIN_VERDICT) <= width;
}

function line(cells: string[], widths: number[], columns: Column[], width: number): string {
    const text = cells
        .map((cell, i) =>
            i === cells.length - 1 ? cell : columns[i].alignRight ? cell.padStart(widths[i]) : cell.padEnd(widths[i]),
        )
        .join(GAP);
    return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** The table in at most `width` characters a line. */
export function renderTable(nodes: NodeStatus[], width: number): string[] {
    let columns = COLUMNS;
    for (;;) {
        const rows = nodes.map((node) => columns.map((column) => column.cell(node)));
        const widths = widthsOf(columns, rows);
        const droppable = columns.filter((column) => column.keep !== undefined);
        if (fits(widths, width) || droppable.length === 0) {
            return [
                line(
                    columns.map((column) => column.title),
                    widths,
                    columns,
                    width,
                ),
                ...rows.map((row) => line(row, widths, columns, width)),
            ];
        }
        const least = droppable.reduce((a, b) => (a.keep! <= b.keep! ? a : b));
        columns = columns.filter((column) => column !== least);
    }
}

export function summary(status: NetworkStatus, context: string): string {
    const unwell = status.nodes.filter((node) => !node.healthy).length;
    const kind = status.consensus === "raft" ? "Raft" : status.consensus.toUpperCase();
    const verdict = unwell === 0 ? `all ${status.nodes.length} ok` : `${unwell} of ${status.nodes.length} need a look`;
    const at = status.takenAt.slice(11, 19);
    const summary = `${status.nodes.length} ${kind} nodes in namespace ${status.namespace} (context ${context}) at ${at} UTC: ${verdict}`;
    if (status.chain.state === "sealing") return summary;
    const headline = status.chain.state === "stalled" ? "CHAIN STALLED" : "CHAIN UNREADABLE";
    return [
        summary,
        "",
        headline,
        ...status.chain.why.map((line) => `  ${line}`),
        `  what to do: ${status.chain.recovery}`,
    ].join("\n");
}
