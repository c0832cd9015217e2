// The network's Grafana dashboard: one time series panel per query, two abreast, over a chosen
// Prometheus data source. Typed against @grafana/schema, so Grafana's own model checks its shape.
import type { Dashboard, Panel, VariableModel } from "@grafana/schema";
import { NAMESPACE_VARIABLE, PanelQuery, panelQueries } from "./queries";

const DATASOURCE_VARIABLE = "datasource";
const DATASOURCE = { type: "prometheus", uid: `\${${DATASOURCE_VARIABLE}}` };
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

export interface DashboardRequest {
    /** The network's name (its namespace), in the title and uid: one dashboard per network. */
    network: string;
    bft: boolean;
}

export function quorumDashboard(request: DashboardRequest): Dashboard {
    const queries = panelQueries(request.bft);
    return {
        uid: `kaleido-quorum-${request.network}`.slice(0, 40),
        title: `Quorum network (${request.network})`,
        tags: ["kaleido-quorum", "quorum"],
        schemaVersion: 39,
        editable: true,
        refresh: "15s",
        time: { from: "now-1h", to: "now" },
        templating: { list: [datasourceVariable(), namespaceVariable(queries.namespaces)] },
        panels: queries.panels.map(timeSeries),
    };
}

function timeSeries(query: PanelQuery, index: number): Panel {
    return {
        id: index + 1,
        type: "timeseries",
        title: query.title,
        description: query.description,
        datasource: DATASOURCE,
        gridPos: {
            x: (index % 2) * PANEL_WIDTH,
            y: Math.floor(index / 2) * PANEL_HEIGHT,
            w: PANEL_WIDTH,
            h: PANEL_HEIGHT,
        },
        targets: [{ refId: "A", datasource: DATASOURCE, expr: query.expr, legendFormat: query.legend }],
        fieldConfig: { defaults: query.unit ? { unit: query.unit } : {}, overrides: [] },
        options: { legend: { displayMode: "table", placement: "right", showLegend: true, calcs: ["lastNotNull"] } },
    };
}

function datasourceVariable(): VariableModel {
    return { name: DATASOURCE_VARIABLE, label: "Prometheus", type: "datasource", query: "prometheus" };
}

/** Any namespace by default: a Prometheus that labels series with another name for it still fills every panel. */
function namespaceVariable(query: string): VariableModel {
    return {
        name: NAMESPACE_VARIABLE,
        label: "Namespace",
        type: "query",
        datasource: DATASOURCE,
        query,
        refresh: 1,
        includeAll: true,
        allValue: ".*",
        current: { text: "All", value: "$__all" },
    };
}
