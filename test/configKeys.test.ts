// Each config key is described once, in Pulumi.yaml: its type, its default, and a description that
// states its range or choices and the platform or runtime it belongs to. The rest follows from it
// or is held to it: the validation reads exactly the declared keys, refuses exactly outside the
// stated ranges and choices and has each of its conflicts named; docs/REFERENCE.md's table is
// rendered from it (UPDATE_CONFIG_REFERENCE=1 rewrites the table), and the README's table agrees.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { RawConfig } from "../lib/config/values";
import {
    generatedSection,
    readmeConfigRows,
    readmeDefault,
    ReadmeRow,
    renderKeyTable,
    withGeneratedSection,
} from "./support/configDocs";
import {
    choiceDisagreements,
    choicesOf,
    conflictDisagreements,
    conflictsOf,
    DECLARED,
    KEYS,
    names,
    ONE_OF,
    RANGE,
    rangeDisagreements,
    settings,
    validate,
} from "./support/configProbe";

const ROOT = path.join(__dirname, "..");
const REFERENCE = path.join(ROOT, "docs", "REFERENCE.md");
const README_ROWS = readmeConfigRows(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));

/** rpcApis lists raft under Raft and istanbul under IBFT/QBFT: both are asked. */
const CHOICE_SETTINGS: RawConfig[] = [{}, { consensus: "ibft" }];
const allChoicesOf = (key: string, listedAs?: RegExp) => [
    ...new Set(CHOICE_SETTINGS.flatMap((setting) => choicesOf(key, setting, listedAs) ?? [])),
];

/** The row's keys paired with the default it states for each, up to a "…"; a problem for a row of another shape. */
function readmeProblems(row: ReadmeRow): string[] {
    const where = `README's row ${row.keys.join(", ")}`;
    const undeclared = row.keys.filter((key) => key !== "…" && !(key in DECLARED));
    if (undeclared.length > 0) return [`${where}: ${undeclared.join(", ")} not declared in Pulumi.yaml`];
    const cut = [row.keys.indexOf("…"), row.defaults.indexOf("…")].filter((index) => index >= 0);
    if (cut.length === 0 && row.keys.length !== row.defaults.length)
        return [`${where}: ${row.defaults.length} defaults for ${row.keys.length} keys`];
    const results = row.keys
        .slice(0, Math.min(row.keys.length, ...cut))
        .map((key, i) => ({ key, ...readmeDefault(row.defaults[i], DECLARED[key].default) }));
    const problems = results.flatMap(({ key, problem }) => (problem ? [`${where}: ${key} ${problem}`] : []));
    return results.some((result) => result.compared)
        ? problems
        : [...problems, `${where}: states no default that can be compared`];
}

/** A row of one key states no range but its description's, and names every choice of a key that takes one of them. */
function readmeRangeProblems(row: ReadmeRow): string[] {
    if (row.keys.length !== 1) return [];
    const [key] = row.keys;
    const text = `${row.defaults.join(", ")} ${row.says}`;
    const ranges = [...row.says.matchAll(RANGE)]
        .map((match) => match[0])
        .filter((range) => !DECLARED[key].description.includes(range));
    const choices = allChoicesOf(key, ONE_OF).filter((choice) => !names(text, choice));
    return [
        ...ranges.map((range) => `README's ${key}: ${range}, which Pulumi.yaml's description does not state`),
        ...choices.map((choice) => `README's ${key}: does not name the choice ${choice}`),
    ];
}

describe("config keys: Pulumi.yaml describes each once, and everything else agrees", function () {
    this.timeout(120_000);
    let among: RawConfig[] = [];
    const conflicts = new Map<string, string[]>();
    before(() => {
        among = settings();
        for (const key of KEYS) conflicts.set(key, conflictsOf(key, among));
    });

    it("takes the defaults as the CLI hands them over, and each setting moved off its default alone", () => {
        assert.ok(among.length > KEYS.filter((key) => DECLARED[key].type === "boolean").length);
        const refused = among.flatMap((setting) =>
            validate(setting).problems.map((problem) => `${JSON.stringify(setting)}: ${problem}`),
        );
        assert.deepEqual(refused, []);
    });

    it("has the validation read exactly the keys Pulumi.yaml declares, under every setting", () => {
        const read = new Set(among.flatMap((setting) => [...validate(setting).read]));
        assert.deepEqual([...read].sort(), [...KEYS].sort());
    });

    it("renders docs/REFERENCE.md's table of keys from Pulumi.yaml", () => {
        const table = renderKeyTable(DECLARED);
        if (process.env.UPDATE_CONFIG_REFERENCE === "1")
            fs.writeFileSync(REFERENCE, withGeneratedSection(fs.readFileSync(REFERENCE, "utf8"), table));
        const written = generatedSection(fs.readFileSync(REFERENCE, "utf8"));
        assert.ok(written !== undefined, "docs/REFERENCE.md has no generated section of config keys");
        assert.equal(
            written,
            table,
            "docs/REFERENCE.md's config keys are not Pulumi.yaml's: edit Pulumi.yaml, then UPDATE_CONFIG_REFERENCE=1 npm test",
        );
    });

    it("has the README state Pulumi.yaml's default for each key its table names", () => {
        assert.ok(README_ROWS.length >= 10, `the README's config table has ${README_ROWS.length} rows`);
        assert.deepEqual(README_ROWS.flatMap(readmeProblems), []);
    });

    it("has the README's rows of one key state only Pulumi.yaml's ranges, and every choice of a key that takes one", () => {
        assert.deepEqual(README_ROWS.flatMap(readmeRangeProblems), []);
    });

    it("refuses exactly outside the range each description states, which every integer's does (min-1, min, max, max+1)", () => {
        assert.deepEqual(
            KEYS.flatMap((key) => rangeDisagreements(key, DECLARED[key].description)),
            [],
        );
    });

    it("takes each choice the validation lists, refuses another, and has the description name them all", () => {
        const keys = KEYS.filter((key) => allChoicesOf(key).length > 0);
        assert.deepEqual(keys, ["platform", "runtime", "consensus", "rpcApis", "imagePullPolicy", "monitoring"]);
        const problems = CHOICE_SETTINGS.flatMap((setting) =>
            keys.flatMap((key) => choiceDisagreements(key, DECLARED[key].description, setting)),
        );
        assert.deepEqual([...new Set(problems)], []);
    });

    it('says "platform <p> only" or "runtime <r> only" exactly where the validation refuses a key elsewhere, and names every other conflict', () => {
        assert.deepEqual(conflicts.get("loadImages"), ["platform minikube"]);
        assert.deepEqual(
            KEYS.flatMap((key) => conflictDisagreements(key, DECLARED[key].description, conflicts.get(key) ?? [])),
            [],
        );
    });

    it("finds each kind of disagreement where there is one", () => {
        assert.equal(rangeDisagreements("nodeCount", "Quorum nodes, 1 to 49.").length, 1);
        assert.equal(rangeDisagreements("nodeCount", "Quorum nodes, 0 to 50.").length, 1);
        assert.equal(rangeDisagreements("networkId", "The network id.").length, 1);
        assert.equal(rangeDisagreements("gasLimit", "0x5209 to 0x7fffffffffffffff").length, 1);
        assert.equal(choiceDisagreements("imagePullPolicy", "Always or IfNotPresent").length, 1);
        assert.equal(conflictDisagreements("loadImages", "load the images", ["platform minikube"]).length, 1);
        assert.equal(conflictDisagreements("namespace", "runtime goquorum only; the namespace", []).length, 1);
        assert.equal(
            conflictDisagreements("ingressTlsSecret", "the Ingress serves HTTPS", ["racecourse true"]).length,
            1,
        );
        assert.deepEqual(readmeDefault("`6`", 5), { compared: true, problem: "says 6, Pulumi.yaml says 5" });
        assert.deepEqual(readmeProblems({ keys: ["nodeCount", "namespace"], defaults: ["`5`"], says: "" }), [
            "README's row nodeCount, namespace: 1 defaults for 2 keys",
        ]);
    });
});
