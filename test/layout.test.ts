// The qdata layout is the one place a member's files are declared: a file added there reaches both
// platforms with its mode, as the right kind of object, and through the scripts onto the volume.
// The test's layout is the shared one plus two files, handed to each piece that follows a layout:
// the shared one stays as every other test finds it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { keyOf, memberSeed } from "../components/kubernetes/seededClaim";
import { networkSeedMember, seedEnvironment } from "../components/minikube/qdataVolume";
import { seedPlan } from "../lib/minikube/seedPlan";
import { LayoutEntry, QDATA_LAYOUT } from "../lib/model/layout";
import { QdataMember } from "../lib/model/qdata";
import { claimName } from "../lib/network/names";
import { seedIdAt } from "../lib/network/workload";
import { memberDir, readQdataFolder } from "../lib/qdata/folder";
import { FakeHost } from "./support/fakeHost";
import { runNetworkSeed } from "./support/minikubeSeed";
import { manifestOf } from "./support/query";
import { makeQuorumToolsFolder } from "./support/workspace";

const NODE_COUNT = 3;
const SECRET_FILE = "ethereum/extra-secret";
const PUBLIC_FILE = "ethereum/extra-public.json";
const LAYOUT: LayoutEntry[] = [
    ...QDATA_LAYOUT,
    { path: SECRET_FILE, role: "key", from: "folder", member: "node" },
    { path: PUBLIC_FILE, role: "chain", from: "folder", member: "node" },
];

const textOf = (file: string, member: number) => `${file} of node ${member}`;

describe("a file added to the qdata layout", function () {
    this.timeout(60_000);
    let fake: FakeHost;
    let source: string;
    const writeAdded = (file: string, member: number) =>
        fs.writeFileSync(path.join(memberDir(source, member), file), textOf(file, member));
    /** Node 1 as the folder reader finds it by the test's layout. */
    const node1 = (): QdataMember => {
        const errors: string[] = [];
        const member = readQdataFolder(source, NODE_COUNT, errors, LAYOUT)?.nodes[0];
        assert.ok(member, errors.join("\n"));
        return member;
    };

    before(async () => {
        fake = new FakeHost();
        source = await makeQuorumToolsFolder(NODE_COUNT);
        for (let member = 1; member <= NODE_COUNT; member++)
            for (const file of [SECRET_FILE, PUBLIC_FILE]) writeAdded(file, member);
    });
    after(() => {
        fake.dispose();
        fs.rmSync(source, { recursive: true, force: true });
    });

    it("is required in the qdata folder, named by its path", () => {
        const missing = path.join(memberDir(source, 2), PUBLIC_FILE);
        fs.rmSync(missing);
        try {
            const errors: string[] = [];
            assert.equal(readQdataFolder(source, NODE_COUNT, errors, LAYOUT), undefined);
            assert.deepEqual(errors, [`${missing}: required file is missing`]);
        } finally {
            writeAdded(PUBLIC_FILE, 2);
        }
    });

    it("on minikube: is in the seed's manifest with its mode and laid onto the node with it", () => {
        const member = node1();
        const hostPath = "/data/qdata_1";
        const args = {
            member,
            hostPath,
            minikubeProfile: "minikube",
            keepChainData: false,
            owner: "kaleido-quorum/small",
        };
        const seedId = seedIdAt(member, hostPath);
        const manifest = manifestOf(seedEnvironment(args, claimName(1), seedId, LAYOUT));
        assert.deepEqual(manifest[SECRET_FILE], { mode: "0600", role: "key" });
        assert.deepEqual(manifest[PUBLIC_FILE], { mode: "0644", role: "chain" });
        // The network's seed Command, run as the Command provider would run it, on this member alone.
        const result = runNetworkSeed(
            fake,
            seedPlan(args.minikubeProfile, args.owner, [networkSeedMember(args, claimName(1), seedId, LAYOUT)]),
        );
        assert.equal(result.status, 0, result.stderr);
        for (const [file, mode] of [
            [SECRET_FILE, 0o600],
            [PUBLIC_FILE, 0o644],
        ] as const) {
            const laid = fake.nodePath(`${hostPath}/${file}`);
            assert.equal(fs.readFileSync(laid, "utf8"), textOf(file, 1));
            assert.equal(fs.statSync(laid).mode & 0o777, mode, file);
        }
    });

    it("on any cluster: key material in the member's Secret, a public file in its ConfigMap, each projected with its mode", () => {
        const seed = memberSeed({ member: node1() }, LAYOUT);
        assert.equal(Buffer.from(seed.key.data[keyOf(SECRET_FILE)], "base64").toString(), textOf(SECRET_FILE, 1));
        assert.equal(seed.chain.data[keyOf(SECRET_FILE)], undefined, "key material in a ConfigMap");
        assert.equal(seed.chain.data[keyOf(PUBLIC_FILE)], textOf(PUBLIC_FILE, 1));
        assert.equal(seed.key.data[keyOf(PUBLIC_FILE)], undefined);
        assert.deepEqual(
            seed.key.items.find((item) => item.path === SECRET_FILE),
            { key: keyOf(SECRET_FILE), path: SECRET_FILE, mode: 0o600 },
        );
        assert.deepEqual(
            seed.chain.items.find((item) => item.path === PUBLIC_FILE),
            { key: keyOf(PUBLIC_FILE), path: PUBLIC_FILE, mode: 0o644 },
        );
    });
});
