// The network's seed Command on minikube (components/minikube/networkSeed.ts): reads the seed plan
// on stdin and lays every member of it on the node in one trip (lib/minikube/seedTrip.ts).
// Exit 0 when every member is seeded, 1 otherwise, each refusal named in one line.
import * as fs from "fs";
import * as path from "path";
import { parseSeedPlan } from "../lib/minikube/seedPlan";
import { SeedRefusal, seedOnNode } from "../lib/minikube/seedTrip";

const scripts = {
    nodeSeed: path.join(__dirname, "node-seed.sh"),
    runAll: fs.readFileSync(path.join(__dirname, "node-seed-all.sh"), "utf8"),
};

// A cancelled update (Ctrl-C) or a stopped terminal ends the minikube call and removes the staged keys.
const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => stop.abort());

async function main(): Promise<number> {
    try {
        await seedOnNode(parseSeedPlan(fs.readFileSync(0, "utf8")), scripts, (line) => console.log(line), stop.signal);
        return 0;
    } catch (error) {
        if (!(error instanceof Error)) throw error;
        console.error(error instanceof SeedRefusal ? error.message : `seed-qdata: ${error.message}`);
        return 1;
    }
}

main().then((code) => process.exit(code));
