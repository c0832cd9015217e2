// The minikube platform seeds a whole network in one trip to the node: one Command whose plan (its
// stdin) holds every member, one archive, one `minikube cp` and one `minikube ssh`, however many
// members (a Command apiece made three calls each: 153 for 50 nodes).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { NetworkSeed } from "../components/minikube/networkSeed";
import { parseSeedPlan, SeedPlan } from "../lib/minikube/seedPlan";
import { FakeHost } from "./support/fakeHost";
import { minikubeCalls, runNetworkSeed } from "./support/minikubeSeed";
import { ProgramRun, runProgram } from "./support/program";
import { named, ofType } from "./support/query";
import { makeQuorumToolsFolder } from "./support/workspace";

const NODES = 50;
const NETWORK_SEED = "quorum-qdata-seed";

describe("the minikube seed of a 50-node network", function () {
    this.timeout(120_000);
    let fake: FakeHost;
    let source: string;
    let run: ProgramRun;
    const writtenPlan = () => named(run, NETWORK_SEED).inputs.stdin as string;

    before(async () => {
        fake = new FakeHost();
        source = await makeQuorumToolsFolder(NODES);
        // A node large enough for 50 nodes' requests: the preflight lets the program run.
        fs.mkdirSync(path.join(fake.state, "kube"), { recursive: true });
        fs.writeFileSync(path.join(fake.state, "kube/allocatable"), "64 134217728Ki\n");
        run = await runProgram({
            stack: "small",
            fake,
            projectDir: source,
            config: { runtime: "kaleido", qdataDir: source, hostPathRoot: "/data", nodeCount: String(NODES) },
        });
    });
    after(() => {
        fake.dispose();
        fs.rmSync(source, { recursive: true, force: true });
    });

    it("lays all 51 members with one minikube cp and one minikube ssh, not three calls apiece", () => {
        const seeding = ofType(run, "command:local:Command").filter(
            (command) => command.name.endsWith("-qdata-seed") && command.inputs.create !== undefined,
        );
        assert.deepEqual(
            seeding.map((command) => command.name),
            [NETWORK_SEED],
            "the one Command of the seeding that runs on create or update",
        );
        fake.clearCalls();
        const result = runNetworkSeed(fake, parseSeedPlan(writtenPlan()));
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(minikubeCalls(fake), ["cp", "ssh"]);
        for (let member = 0; member <= NODES; member++)
            assert.ok(
                fs.existsSync(fake.nodePath(`/data/qdata_${member}/.kaleido-seed-id`)),
                `qdata_${member} is seeded`,
            );
    });

    it("writes each rendered text once in its plan: the nodes share one static-nodes.json", () => {
        const plan = parseSeedPlan(writtenPlan());
        assert.equal(plan.members.length, NODES + 1);
        assert.equal(new Set(plan.texts).size, plan.texts.length);
        const staticNodes = plan.members
            .slice(1)
            .map((member) => member.files.find((file) => file.path === "ethereum/static-nodes.json")?.text);
        assert.equal(new Set(staticNodes).size, 1, `${staticNodes}`);
    });

    it("reads a plan only as the program writes it: a path out of the folder, a name twice or a text it lacks is refused", () => {
        assert.deepEqual(parseSeedPlan(writtenPlan()), JSON.parse(writtenPlan()));
        const refusals: [change: (plan: SeedPlan) => void, message: RegExp][] = [
            [
                (plan) => (plan.members[1].files[0].path = "../qdata_2/ethereum/nodekey"),
                /qdata-1: \.\.\/qdata_2\/ethereum\/nodekey is not a path inside the member's folder/,
            ],
            [(plan) => (plan.members[2].name = "qdata-1"), /names qdata-1 twice/],
            [(plan) => (plan.members[1].name = "../qdata-1"), /"\.\.\/qdata-1" is not a plain name/],
            [
                (plan) => (plan.members[1].targetDir = "data/qdata_1"),
                /qdata-1: its target data\/qdata_1 is not an absolute path/,
            ],
            [
                (plan) => (plan.members[1].files.find((file) => file.text !== undefined)!.text = plan.texts.length),
                /names no text of the plan/,
            ],
        ];
        for (const [change, message] of refusals) {
            const plan = parseSeedPlan(writtenPlan());
            change(plan);
            assert.throws(() => parseSeedPlan(JSON.stringify(plan)), message);
        }
    });

    it("refuses a member's storage declared once its plan is sealed, and a second seal", () => {
        const seed = new NetworkSeed("late", { profile: "minikube", owner: "kaleido-quorum/small" }, {});
        seed.add({ name: "qdata-0", sourceDir: source, targetDir: "/data/qdata_0", seedId: "0", files: [] });
        seed.seal();
        assert.throws(
            () => seed.add({ name: "qdata-1", sourceDir: source, targetDir: "/data/qdata_1", seedId: "1", files: [] }),
            /qdata-1's storage was declared after the network's seed plan was sealed/,
        );
        assert.throws(() => seed.seal(), /sealed once/);
    });
});
