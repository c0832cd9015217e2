// The one entry of every operation on a running network, for people (npm run backup, status,
// verify, validators, raft-peer, rollout) and for the Pulumi steps' Commands alike:
//   run.ts <operation> [arguments]      run.ts <operation> --help
// Each operation's folder has the same parts: observe.ts reads the running network, plan.ts
// decides (pure), act.ts changes it, step.ts is its Pulumi resource, cli.ts its arguments.
import { runTool, Tool } from "../lib/cli";

/** Loaded on demand: a step's Command starts only the operation it runs. */
const OPERATIONS: Record<string, () => Promise<Tool>> = {
    backup: async () => (await import("./backup/cli")).backupTool,
    "raft-membership": async () => (await import("./raft-membership/cli")).raftMembershipTool,
    restore: async () => (await import("./restore/cli")).restoreTool,
    rollout: async () => (await import("./rollout/cli")).rolloutTool,
    status: async () => (await import("./status/cli")).statusTool,
    "validator-votes": async () => (await import("./validator-votes/cli")).validatorVotesTool,
    verify: async () => (await import("./verify/cli")).verifyTool,
};

const USAGE = `usage: run.ts <operation> [arguments]   (run.ts <operation> --help for its own)\noperations: ${Object.keys(OPERATIONS).join(", ")}`;

const [name, ...rest] = process.argv.slice(2);
const load = name === undefined ? undefined : OPERATIONS[name];
if (!load) {
    const asked = name === "--help" || name === "-h";
    (asked ? console.log : console.error)(
        asked ? USAGE : `run: ${name === undefined ? "no operation given" : `no operation "${name}"`}\n${USAGE}`,
    );
    process.exit(asked ? 0 : 2);
} else {
    load().then((tool) => runTool(tool, rest));
}
