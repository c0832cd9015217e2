// A Pulumi step hands its phase one typed request (lib/stepCommand.ts writes it into STEP_REQUEST,
// lib/stepEnvironment.ts reads it back): each decoder refuses a request of another shape, naming
// the field; every step's Command carries that request and nothing the phase reads beside it; a
// change elsewhere in the stack leaves it as it was; and no operation reads a variable by hand.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { UsageError } from "../lib/cli";
import { QDATA_MOUNT } from "../lib/model/paths";
import { RestorePoint } from "../lib/model/restorePoint";
import { STEP_RERUN_ON } from "../lib/stepCommand";
import { decodeStepRequest, RequestFields, STEP_REQUEST } from "../lib/stepEnvironment";
import { raftEntryStepFields, raftLeaveStepFields } from "../operations/raft-membership/cli";
import { raftMembershipStep, RaftMembershipStepArgs } from "../operations/raft-membership/step";
import { restoreMemberStepFields, restoreSettleStepFields } from "../operations/restore/cli";
import { restoreSettleStep, restoreStep } from "../operations/restore/step";
import { rolloutStepFields } from "../operations/rollout/cli";
import { validatorStepFields } from "../operations/validator-votes/cli";
import { FakeHost, REPO_ROOT } from "./support/fakeHost";
import { ProgramRun, runProgram, workspaceFixture } from "./support/program";
import { named } from "./support/query";

type Decoder = (fields: RequestFields) => object;

/** Each phase a step's Command runs (`run.ts <operation> <phase>`), and the decoder it reads its request with. */
const DECODERS: Record<string, Decoder> = {
    "rollout create": rolloutStepFields,
    "rollout update": rolloutStepFields,
    "validator-votes create": validatorStepFields,
    "validator-votes update": validatorStepFields,
    "restore member": restoreMemberStepFields,
    "restore settle": restoreSettleStepFields,
    "raft-membership join": raftEntryStepFields,
    "raft-membership promote": raftEntryStepFields,
    "raft-membership leave": raftLeaveStepFields,
};

const TARGET = { kubeContext: "minikube", namespace: "quorum" };
const POINT: RestorePoint = { number: 7, hash: `0x${"7".repeat(64)}`, way: "bft-held" };
const ENODE = `enode://${"ab".repeat(64)}@10.96.0.106:21000?discport=0&raftport=50400`;
const ADDRESS = `0x${"12".repeat(20)}`;

/** A request of each phase, as its step writes it. */
const GOOD: [string, Decoder, object][] = [
    ["rollout", rolloutStepFields, { ...TARGET, consensusKind: "qbft", nodeCount: 5, memberTimeoutMs: 300_000 }],
    [
        "validator-votes",
        validatorStepFields,
        { ...TARGET, validators: [ADDRESS], genesisValidators: [ADDRESS], blockPeriodSeconds: 5 },
    ],
    [
        "restore member",
        restoreMemberStepFields,
        {
            ...TARGET,
            helper: { claim: "qdata-1", image: "q", imagePullPolicy: "Never", imagePullSecrets: [] },
            folder: "",
            from: "/b/qdata_1",
            backupId: "b",
            seedId: "s",
            holdSealing: true,
        },
    ],
    ["restore settle", restoreSettleStepFields, { ...TARGET, nodeCount: 5, point: POINT, timeoutMs: 300_000 }],
    ["raft join and promote", raftEntryStepFields, { ...TARGET, index: 6, enode: ENODE }],
    ["raft leave", raftLeaveStepFields, { ...TARGET, index: 6, raftId: 7 }],
];

/** The phase's good request with `change` laid over it (undefined: the field left out), as text. */
const changed = (decoder: Decoder, change: Record<string, unknown>) =>
    JSON.stringify({ ...GOOD.find(([, candidate]) => candidate === decoder)![2], ...change });

const REFUSALS: [string, Decoder, string, RegExp][] = [
    ["text that is no JSON", rolloutStepFields, "NODE_COUNT=5", /^STEP_REQUEST is not JSON: /],
    ["a JSON list", rolloutStepFields, "[]", /^STEP_REQUEST must be a JSON object, not \[\]$/],
    [
        "no kube context",
        rolloutStepFields,
        changed(rolloutStepFields, { kubeContext: undefined }),
        /^STEP_REQUEST: kubeContext must be a non-empty string, not missing$/,
    ],
    [
        "a number as text, as the variables carried it",
        rolloutStepFields,
        changed(rolloutStepFields, { nodeCount: "5" }),
        /^STEP_REQUEST: nodeCount must be a whole number from 1, not "5"$/,
    ],
    [
        "a fraction",
        rolloutStepFields,
        changed(rolloutStepFields, { memberTimeoutMs: 1.5 }),
        /^STEP_REQUEST: memberTimeoutMs must be a whole number from 1, not 1\.5$/,
    ],
    [
        "no consensus of ours",
        rolloutStepFields,
        changed(rolloutStepFields, { consensusKind: "clique" }),
        /^STEP_REQUEST: consensusKind must be one of raft, ibft, qbft, not "clique"$/,
    ],
    [
        "a field the phase does not take",
        rolloutStepFields,
        changed(rolloutStepFields, { NODE_COUNT: "5", validators: 4 }),
        /^STEP_REQUEST holds fields this phase does not take: NODE_COUNT, validators$/,
    ],
    [
        "an address that is none",
        validatorStepFields,
        changed(validatorStepFields, { validators: [ADDRESS, "0x12"] }),
        /^STEP_REQUEST: validators must be a non-empty list, each entry a 0x address of 40 hex digits, not \["0x1212/,
    ],
    [
        "no validators",
        validatorStepFields,
        changed(validatorStepFields, { genesisValidators: [] }),
        /^STEP_REQUEST: genesisValidators must be a non-empty list/,
    ],
    [
        "the sets as JSON text",
        validatorStepFields,
        changed(validatorStepFields, { validators: JSON.stringify([ADDRESS]) }),
        /^STEP_REQUEST: validators must be a non-empty list/,
    ],
    [
        "a boolean as text",
        restoreMemberStepFields,
        changed(restoreMemberStepFields, { holdSealing: "true" }),
        /^STEP_REQUEST: holdSealing must be true or false, not "true"$/,
    ],
    [
        "no folder (an empty one is the whole claim)",
        restoreMemberStepFields,
        changed(restoreMemberStepFields, { folder: undefined }),
        /^STEP_REQUEST: folder must be a string, not missing$/,
    ],
    [
        "a helper as JSON text",
        restoreMemberStepFields,
        changed(restoreMemberStepFields, { helper: JSON.stringify({ claim: "qdata-1" }) }),
        /^STEP_REQUEST: helper must be an object, not "/,
    ],
    [
        "a pull secret that is no name",
        restoreMemberStepFields,
        changed(restoreMemberStepFields, {
            helper: { claim: "c", image: "i", imagePullPolicy: "Never", imagePullSecrets: [1] },
        }),
        /^STEP_REQUEST: helper\.imagePullSecrets must be a list, each entry a string, not \[1\]$/,
    ],
    [
        "a helper field too many",
        restoreMemberStepFields,
        changed(restoreMemberStepFields, {
            helper: { claim: "c", image: "i", imagePullPolicy: "Never", imagePullSecrets: [], readOnly: true },
        }),
        /holds fields this phase does not take: helper\.readOnly$/,
    ],
    [
        "a hash that is none",
        restoreSettleStepFields,
        changed(restoreSettleStepFields, { point: { ...POINT, hash: "0x7" } }),
        /^STEP_REQUEST: point\.hash must be a 0x hash of 64 hex digits, not "0x7"$/,
    ],
    [
        "no way of ours",
        restoreSettleStepFields,
        changed(restoreSettleStepFields, { point: { ...POINT, way: "rewind" } }),
        /^STEP_REQUEST: point\.way must be one of raft-one-head, bft-held, bft-laggards-short-of-quorum, not "rewind"$/,
    ],
    [
        "an enode that is none",
        raftEntryStepFields,
        changed(raftEntryStepFields, { enode: "enode://abc@1.2.3.4:1" }),
        /^STEP_REQUEST: enode must be an enode URL \(enode:\/\/<128 hex digits>.*, not "enode:\/\/abc@1\.2\.3\.4:1"$/,
    ],
    [
        "a leave's Raft id in a join",
        raftEntryStepFields,
        changed(raftEntryStepFields, { raftId: 7 }),
        /^STEP_REQUEST holds fields this phase does not take: raftId$/,
    ],
    [
        "Raft id 0",
        raftLeaveStepFields,
        changed(raftLeaveStepFields, { raftId: 0 }),
        /^STEP_REQUEST: raftId must be a whole number from 1, not 0$/,
    ],
    [
        "a member named, not numbered",
        raftLeaveStepFields,
        changed(raftLeaveStepFields, { index: "node-6" }),
        /^STEP_REQUEST: index must be a whole number from 1, not "node-6"$/,
    ],
    [
        "a long value, shown cut",
        raftLeaveStepFields,
        changed(raftLeaveStepFields, { raftId: "9".repeat(500) }),
        /^STEP_REQUEST: raftId must be a whole number from 1, not "9{79}\.\.\.$/,
    ],
];

describe("a step's request, read back by its phase (lib/stepEnvironment.ts)", () => {
    for (const [phase, decoder, request] of GOOD) {
        it(`${phase}: reads back what its step wrote`, () =>
            assert.deepEqual(decodeStepRequest(JSON.stringify(request), decoder), request));
    }

    for (const [what, decoder, text, message] of REFUSALS) {
        it(`refuses ${what}, naming it`, () => {
            assert.throws(
                () => decodeStepRequest(text, decoder),
                (error: Error) =>
                    error instanceof UsageError && message.test(error.message) ? true : assert.fail(error.message),
            );
        });
    }

    it("refuses a bad request before the phase reaches for the cluster: bad arguments, exit 2", function () {
        this.timeout(30_000);
        const fake = new FakeHost();
        try {
            const phase = (environment: Record<string, string>) =>
                fake.sh("node -r ts-node/register/transpile-only operations/run.ts rollout update", environment);
            const unset = phase({ NODE_COUNT: "5" });
            assert.deepEqual(
                [unset.status, unset.stderr.split("\n")[0]],
                [2, "rollout: environment variable STEP_REQUEST is not set (this phase is run by pulumi up)"],
            );
            const bad = phase({ [STEP_REQUEST]: changed(rolloutStepFields, { nodeCount: 0 }) });
            assert.deepEqual(
                [bad.status, bad.stderr.split("\n")[0]],
                [2, "rollout: STEP_REQUEST: nodeCount must be a whole number from 1, not 0"],
            );
            assert.deepEqual(fake.calls(), [], "kubectl was run");
        } finally {
            fake.dispose();
        }
    });
});

type CommandInputs = { create: string; environment: Record<string, string> };

/** The phase a Command runs, "<operation> <phase>", if it runs one. */
const phaseOf = (create: string) => /operations\/run\.ts (\S+ \S+)$/.exec(create)?.[1];

/** The step's request holds only what its decoder reads, and nothing else of the Command's environment is read. */
function assertOneRequest(inputs: CommandInputs, extra: string[] = []): object {
    const phase = phaseOf(inputs.create);
    assert.ok(phase && DECODERS[phase], `${inputs.create} runs no step phase`);
    assert.deepEqual(Object.keys(inputs.environment).sort(), [STEP_REQUEST, ...extra].sort());
    const text = inputs.environment[STEP_REQUEST];
    assert.deepEqual(decodeStepRequest(text, DECODERS[phase]), JSON.parse(text));
    return JSON.parse(text);
}

/** The inputs a step function declares, under Pulumi's mocks. */
async function declared(make: () => pulumi.Resource): Promise<CommandInputs> {
    const recorded: CommandInputs[] = [];
    const newResource = (args: pulumi.runtime.MockResourceArgs) => {
        recorded.push(args.inputs as CommandInputs);
        return { id: `${args.name}-id`, state: args.inputs };
    };
    await pulumi.runtime.setMocks({ newResource, call: () => ({}) }, "project", "stack", false);
    const resource = make();
    await new Promise((resolve) => resource.urn.apply(resolve));
    return recorded[0];
}

const RESTORE = { dir: "/backups/b", backupId: "2026-12-01T10:00:00.000Z", point: POINT };
const MEMBER = {
    index: 2,
    ...TARGET,
    image: "quorum",
    imagePullPolicy: "Never",
    imagePullSecrets: [],
    seedId: "seed",
    volumeMounts: [{ name: "qdata", mountPath: QDATA_MOUNT, subPath: "qdata" }],
};
const restoreMember = (point: RestorePoint) => () =>
    restoreStep("s", { restore: { ...RESTORE, point }, ...MEMBER }, {});
const raft = (args: RaftMembershipStepArgs) => () => raftMembershipStep("s", args, {});

describe("every step's Command: one request, only what its phase uses", function () {
    this.timeout(60_000);
    const workspace = workspaceFixture({ goquorum: 5 });
    const render = (config: Record<string, string> = {}) =>
        runProgram({ stack: "goquorum", fake: workspace.fake, projectDir: workspace.projectDir, config });
    const requests = (run: ProgramRun) =>
        ["quorum-rollout", "quorum-validators"].map((name) => named(run, name).inputs.environment);

    it("rollout and validator votes (goquorum stack): the request and, for the rollout, the specs' generations that rerun it", async () => {
        const run = await render();
        assert.deepEqual(assertOneRequest(named(run, "quorum-rollout").inputs as CommandInputs, [STEP_RERUN_ON]), {
            kubeContext: "minikube",
            namespace: "quorum-goquorum",
            consensusKind: "qbft",
            nodeCount: 5,
            memberTimeoutMs: 300_000,
        });
        assert.deepEqual(Object.keys(assertOneRequest(named(run, "quorum-validators").inputs as CommandInputs)), [
            "kubeContext",
            "namespace",
            "validators",
            "genesisValidators",
            "blockPeriodSeconds",
        ]);
        const commands = run.resources.filter(
            (resource) => resource.type === "command:local:Command" && phaseOf(resource.inputs.create),
        );
        assert.deepEqual(commands.map((command) => command.name).sort(), ["quorum-rollout", "quorum-validators"]);
    });

    it("a change elsewhere in the stack leaves both requests as they were", async () => {
        const before = requests(await render());
        const elsewhere = {
            quorumImage: "quorumengineering/quorum:24.4.2",
            quorumCpu: "300m:1",
            racecourseMemory: "128Mi:256Mi",
            roundChangeTimer: "20000",
            imagePullPolicy: "Always",
        };
        assert.deepEqual(requests(await render(elsewhere)), before);
        assert.notDeepEqual(requests(await render({ rolloutTimeout: "60" })), before, "the comparison sees a change");
    });

    it("restore member and settle: what they copy and wait for; a later restore point changes no member's copy", async () => {
        const member = assertOneRequest(await declared(restoreMember(POINT)));
        assert.deepEqual(member, {
            ...TARGET,
            helper: { claim: "qdata-2", image: "quorum", imagePullPolicy: "Never", imagePullSecrets: [] },
            folder: "qdata",
            from: "/backups/b/qdata_2",
            backupId: RESTORE.backupId,
            seedId: "seed",
            holdSealing: true,
        });
        assert.deepEqual(
            assertOneRequest(await declared(restoreMember({ ...POINT, number: 9, hash: `0x${"9".repeat(64)}` }))),
            member,
        );
        const settle = await declared(() =>
            restoreSettleStep("s", { restore: RESTORE, nodeCount: 5, ...TARGET, timeoutSeconds: 300 }, {}),
        );
        assert.deepEqual(assertOneRequest(settle), { ...TARGET, nodeCount: 5, point: POINT, timeoutMs: 300_000 });
    });

    it("Raft join, promote and leave: the member by its number, with its enode or its Raft id", async () => {
        const member = { member: "node-6", ...TARGET };
        assert.deepEqual(assertOneRequest(await declared(raft({ action: "join", ...member, enode: ENODE }))), {
            ...TARGET,
            index: 6,
            enode: ENODE,
        });
        assert.deepEqual(assertOneRequest(await declared(raft({ action: "promote", ...member, enode: ENODE }))), {
            ...TARGET,
            index: 6,
            enode: ENODE,
        });
        assert.deepEqual(assertOneRequest(await declared(raft({ action: "leave", ...member, raftId: 7 }))), {
            ...TARGET,
            index: 6,
            raftId: 7,
        });
    });
});

/**
 * The user's own settings an operation may read from its environment, where it reads them: none
 * is a step's input. (STACK, the stack a tool works on, is read by lib/cli.ts.)
 */
const USER_SETTINGS: Record<string, string[]> = {
    // How long a vote may take, over the default the block period gives.
    "operations/validator-votes/cli.ts": ["process.env.VOTE_TIMEOUT"],
    // The table's width when stdout is not a terminal.
    "operations/status/cli.ts": ["process.env.COLUMNS"],
};

/**
 * Where `source` reads its environment: process.env.NAME, process.env whole (spread, destructured,
 * indexed by a variable), any `.env(...)` call (a tool's ToolArgs.env: a phase reads its request
 * through stepRequest, never a variable itself), and a Command made without the one encoder.
 */
function environmentReads(file: string, source: string): string[] {
    const tree = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
    const reads: string[] = [];
    const isProcessEnv = (node: ts.Node) =>
        ts.isPropertyAccessExpression(node) &&
        node.name.text === "env" &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === "process";
    const visit = (node: ts.Node) => {
        if (isProcessEnv(node)) {
            const parent = node.parent;
            const named = ts.isPropertyAccessExpression(parent)
                ? parent.name.text
                : ts.isElementAccessExpression(parent) && ts.isStringLiteral(parent.argumentExpression)
                  ? parent.argumentExpression.text
                  : undefined;
            reads.push(named === undefined ? "process.env" : `process.env.${named}`);
        } else if (
            ts.isCallExpression(node) &&
            ts.isPropertyAccessExpression(node.expression) &&
            node.expression.name.text === "env"
        ) {
            reads.push(node.getText(tree));
        } else if (ts.isNewExpression(node) && /\bCommand$/.test(node.expression.getText(tree))) {
            reads.push(
                `new ${node.expression.getText(tree)} (lib/stepCommand.ts's operationStep makes a step's Command)`,
            );
        }
        ts.forEachChild(node, visit);
    };
    visit(tree);
    return reads;
}

/** The reads of `file` that are not its user settings. */
const handReads = (file: string, source: string) =>
    environmentReads(file, source).filter((read) => !(USER_SETTINGS[file] ?? []).includes(read));

function operationFiles(folder = "operations"): string[] {
    return fs.readdirSync(path.join(REPO_ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
        const file = path.join(folder, entry.name);
        return entry.isDirectory() ? operationFiles(file) : file.endsWith(".ts") ? [file] : [];
    });
}

describe("operations read no step variable by hand", () => {
    it("no file under operations/ reads its environment but through stepRequest, or the user settings named here", () => {
        const files = operationFiles();
        assert.ok(
            files.includes("operations/rollout/cli.ts") && files.includes("operations/restore/act.ts"),
            files.join(", "),
        );
        const found = files.flatMap((file) =>
            handReads(file, fs.readFileSync(path.join(REPO_ROOT, file), "utf8")).map((read) => `${file}: ${read}`),
        );
        assert.deepEqual(found, []);
    });

    it("finds each way a phase read its variables by hand", () => {
        const source = [
            'const nodeCount = Number(args.env("NODE_COUNT"));',
            'const folder = process.env.FOLDER ?? "";',
            'const seedId = process.env["SEED_ID"];',
            "const { HOLD_SEALING } = process.env;",
            "const named = process.env[name];",
            'const settle = JSON.parse(this.args.env("SETTLE"));',
            'new command.local.Command("s", { create: "x", environment: { A: "1" } });',
            "const timeout = Number(process.env.VOTE_TIMEOUT);",
        ].join("\n");
        const found = handReads("operations/rollout/cli.ts", source).map((read) => read.replace(/ \(.*/, ""));
        const hand = [
            'args.env("NODE_COUNT")',
            "process.env.FOLDER",
            "process.env.SEED_ID",
            "process.env",
            "process.env",
            'this.args.env("SETTLE")',
            "new command.local.Command",
        ];
        assert.deepEqual(found, [...hand, "process.env.VOTE_TIMEOUT"], "a user setting counts only where it is named");
        assert.deepEqual(handReads("operations/validator-votes/cli.ts", source).length, hand.length);
    });
});
